"""The public register of valid certificates (/chung-nhan/) and its open data (CSV, JSON): only
the certificates in force, filterable (stars, year, commune, group, criteria set, words without
diacritics), each row linking its verification page, codes never ids, the same number of
queries for 1 or 30 rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.certificates.enums import CertificateStatus
from ocop.certificates.queries.public import OPEN_DATA_FIELDS
from ocop.criteria.enums import ClassificationLevel
from ocop.criteria.models import ClassificationNode
from tests.factories.criteria import CriteriaSetFactory

from .public_setup import (
    HONEY,
    revoke,
    supersede,
    text_of,
    valid_for,
    verify_url,
)

pytestmark = pytest.mark.django_db
TEA = "Trà sen Tây Hồ"


def numbers(response) -> list[str]:
    return [row.number for row in response.context["rows"]]


def get(url: str = "", **params):
    response = Client().get(url or reverse("verify:register"), params)
    assert response.status_code == 200
    return response


def read_csv(response) -> list[dict[str, str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:])))


def read_json(response) -> dict:
    return json.loads(b"".join(response.streaming_content).decode("utf-8"))


@pytest.fixture
def register(cast):
    """Two valid certificates (honey of producer 1, tea of producer 2) and one of each state the
    register leaves out."""
    honey = valid_for(400, cast.prod1, name=HONEY, stars=4)
    tea = valid_for(700, cast.prod2, name=TEA, stars=3)
    revoked = valid_for(400, cast.prod1, name="Gốm thu hồi")
    revoke(revoked, cast.office)
    expired = valid_for(-1, cast.prod1, name="Gốm hết hạn")
    written_expired = valid_for(400, cast.prod1, name="Gốm đã quét")
    written_expired.status = CertificateStatus.EXPIRED
    written_expired.save(update_fields=["status"])
    old = valid_for(400, cast.prod2, name="Trà cũ")
    newer = supersede(old)
    return {
        "honey": honey,
        "tea": tea,
        "newer": newer,
        "left_out": [revoked, expired, written_expired, old],
    }


def test_the_register_lists_the_valid_certificates_only(register):
    response = get()
    listed = numbers(response)
    assert sorted(listed) == sorted(register[name].number for name in ("honey", "tea", "newer"))
    for cert in register["left_out"]:
        assert cert.number not in listed


def test_each_row_links_its_verification_page(register):
    content = get().content.decode()
    honey = register["honey"]
    assert f'href="{verify_url(honey, vietnamese=True)}"' in content
    assert HONEY in text_of(get())


def test_the_register_needs_no_sign_in_and_has_no_inline_style(register):
    content = get().content.decode()
    assert "<script" not in content and "style=" not in content and "<style" not in content
    assert "certificates/public.css" in content


@pytest.mark.parametrize("query", ["mat ong", "MẬT ONG", "nhan dong", "gom bat trang"])
def test_search_without_diacritics_finds_the_product_or_producer(register, query):
    assert numbers(get(q=query)) == [register["honey"].number]


def test_search_by_certificate_number(register):
    assert numbers(get(q=register["tea"].number)) == [register["tea"].number]


def test_filter_by_stars_year_and_commune(register, cast):
    honey, tea = register["honey"], register["tea"]
    assert numbers(get(stars="3")) == [tea.number]
    assert '<option value="3" selected>' in get(stars="3").content.decode()
    assert numbers(get(year=str(honey.decided_on.year))) == [
        row.number for row in get().context["rows"] if row.decided_on.year == honey.decided_on.year
    ]
    assert numbers(get(commune=cast.commune_a.key)) == [honey.number]
    assert tea.number in numbers(get(commune=cast.commune_b.key))
    assert numbers(get(stars="9")) == numbers(get())  # not a rank: ignored


def test_filter_by_group_and_criteria_set(register, cast):
    honey = register["honey"]
    group = ClassificationNode.objects.create(
        criteria_set=CriteriaSetFactory(),
        code="I.4",
        level=ClassificationLevel.GROUP,
        name="Mật ong, mật khác và nông sản thực phẩm khác",
    )
    honey.product.classification = group
    honey.product.save()
    assert numbers(get(group="I.4")) == [honey.number]
    assert numbers(get(criteria_set=honey.criteria_code)) == [honey.number]
    response = get()
    assert ("I.4", group.name) in response.context["choices"].groups
    assert (honey.criteria_code, honey.criteria_name) in response.context["choices"].criteria_sets
    assert (cast.commune_a.key, cast.commune_a.name) in response.context["choices"].communes


def test_the_filters_offer_only_what_the_valid_certificates_have(register):
    choices = get().context["choices"]
    years = {register["honey"].decided_on.year, register["tea"].decided_on.year}
    assert set(choices.years) >= years


def _count(url: str) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("name", ["verify:register", "verify:register_csv", "verify:register_json"])
def test_the_register_costs_the_same_queries_for_1_or_30_rows(cast, name):
    url = reverse(name)
    valid_for(400, cast.prod1)
    one = _count(url)
    for n in range(29):
        valid_for(400 + n, name=f"Sản phẩm {n}")
    assert len(get().context["rows"]) == 30
    assert _count(url) == one


# --- open data --------------------------------------------------------------------------------


def expected_record(cert, cast) -> dict[str, str]:
    return {
        "number": cert.number,
        "verification_url": f"{settings.SITE_URL}/verify/{cert.verification_code}/",
        "product_code": cert.product.code,
        "product_name": HONEY,
        "producer_code": cast.prod1.code,
        "producer_name": "HTX Gốm Bát Tràng",
        "commune_key": cast.commune_a.key,
        "commune_name": "Xã Bát Tràng",
        "stars": "4",
        "criteria_set": cert.criteria_code,
        "decision_number": cert.decision_number,
        "decision_date": cert.decided_on.isoformat(),
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat(),
        "authority": "Ủy ban nhân dân thành phố Hà Nội",
    }


def test_the_csv_is_utf8_with_a_bom_and_the_open_data_columns(register, cast):
    response = get(reverse("verify:register_csv"), q="mat ong")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="giay-chung-nhan-ocop.csv"'
    rows = read_csv(response)
    assert rows == [expected_record(register["honey"], cast)]
    assert list(rows[0]) == list(OPEN_DATA_FIELDS)


def test_the_csv_lists_the_valid_certificates_only(register):
    listed = {row["number"] for row in read_csv(get(reverse("verify:register_csv")))}
    assert register["honey"].number in listed and register["tea"].number in listed
    assert not listed & {cert.number for cert in register["left_out"]}


def test_the_json_has_the_rows_the_time_and_the_licence(register, cast):
    response = get(reverse("verify:register_json"), stars="4", q="mat ong")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = read_json(response)
    assert body["licence"] == "CC BY 4.0"
    assert dt.datetime.fromisoformat(body["generated_at"]).tzinfo is not None
    assert body["filters"]["stars"] == 4 and body["filters"]["q"] == "mat ong"
    expected = expected_record(register["honey"], cast)
    expected["stars"] = 4
    assert body["certificates"] == [expected]


def test_the_json_of_an_empty_selection_is_still_json(register):
    assert read_json(get(reverse("verify:register_json"), q="không có"))["certificates"] == []


def test_the_exports_carry_codes_never_ids(register):
    honey = register["honey"]
    record = read_json(get(reverse("verify:register_json")))["certificates"][0]
    assert not {key for key in record if key == "id" or key.endswith("_id")}
    assert str(honey.pk) not in {str(value) for value in record.values()}


def test_the_register_page_links_the_exports_with_its_filters(register):
    content = get(q="mat ong", stars="4").content.decode()
    assert f"{reverse('verify:register_csv')}?q=mat+ong&amp;stars=4" in content
    assert f"{reverse('verify:register_json')}?q=mat+ong&amp;stars=4" in content

"""The schema.org data (JSON-LD) and the Open Graph tags of the product and producer pages: the
JSON parses and carries the product, its producer and its certificate; a name with
"</script><script>…" cannot leave the data block; the page keeps the strict CSP."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ocop.catalog.queries.pages import json_ld
from ocop.traceability.identifiers import check_digit
from tests.factories.catalog import listed_product

from .pages_setup import json_ld_of, meta

pytestmark = pytest.mark.django_db

ATTACK = "</script><script>alert(1)</script><!--"


def page(name: str, code: str):
    response = Client().get(reverse(name, kwargs={"code": code}))
    assert response.status_code == 200
    return response


@pytest.fixture
def tea(cast):
    producer = cast.prod2
    producer.phone = "024 3823 4567"
    producer.email = "lienhe@trasen.vn"
    producer.website = "https://trasen.vn"
    producer.save()
    gtin = "893456789012" + check_digit("893456789012")
    return listed_product(
        producer=producer,
        name="Trà ướp sen Tây Hồ",
        description="Chè Thái Nguyên ướp sen Bách Diệp.",
        gtin=gtin,
        photo=True,
        stars=5,
    )


def test_the_product_page_describes_the_product_for_search_engines(tea):
    [data] = json_ld_of(page("catalog:product", tea.product.code))
    product = tea.product
    site = settings.SITE_URL
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Product"
    assert data["name"] == "Trà ướp sen Tây Hồ"
    assert data["description"] == "Chè Thái Nguyên ướp sen Bách Diệp."
    assert data["sku"] == product.code
    assert data["url"] == f"{site}/san-pham-ocop/{product.code}/"
    assert (data["gtin13"], data["gtin14"]) == (product.gtin, "0" + product.gtin)
    assert data["hasGS1DigitalLink"] == f"{site}/01/0{product.gtin}"
    photo = product.photos.get()
    assert data["image"] == [f"{site}/san-pham-ocop/{product.code}/anh/{photo.file.code}/"]
    organisation = data["manufacturer"]
    assert organisation["@type"] == "Organization"
    assert organisation["name"] == tea.producer.name
    assert organisation["url"] == f"{site}/co-so-ocop/{tea.producer.code}/"
    assert organisation["telephone"] == "024 3823 4567"
    assert organisation["email"] == "lienhe@trasen.vn"
    assert organisation["sameAs"] == ["https://trasen.vn"]
    address = organisation["address"]
    assert address["@type"] == "PostalAddress"
    assert address["addressLocality"] == tea.producer.commune.name
    assert address["addressRegion"] == tea.producer.commune.province.name
    assert address["streetAddress"] == tea.producer.address
    assert data["brand"] == {"@type": "Brand", "name": tea.producer.name}
    certification = data["hasCertification"]
    certificate = tea.certificate
    assert certification["@type"] == "Certification"
    assert certification["certificationIdentification"] == certificate.number
    assert certification["certificationRating"]["ratingValue"] == 5
    assert certification["certificationStatus"] == "https://schema.org/CertificationActive"
    assert certification["expires"] == certificate.valid_until.isoformat()
    assert certification["url"] == f"{site}/verify/{certificate.verification_code}/"
    assert "5" in data["award"] and data["award"].startswith("OCOP")


def test_the_award_reads_5_sao_in_vietnamese(tea):
    from django.utils import translation

    with translation.override("vi"):
        [data] = json_ld_of(page("catalog:product", tea.product.code))
    assert data["award"] in ("OCOP 5 sao", "OCOP 5 stars")  # "sao" once translated


def test_the_producer_page_describes_the_producer_and_its_products(cast, tea):
    other = listed_product(producer=cast.prod2, name="Trà sen túi lọc", stars=3)
    [data] = json_ld_of(page("catalog:producer", cast.prod2.code))
    assert data["@context"] == "https://schema.org"
    organisation, *products = data["@graph"]
    assert organisation["@type"] == "Organization"
    assert organisation["name"] == cast.prod2.name
    assert organisation["address"]["addressLocality"] == cast.prod2.commune.name
    assert organisation["telephone"] == "024 3823 4567"
    assert [item["sku"] for item in products] == [tea.product.code, other.product.code]
    assert {item["manufacturer"]["@id"] for item in products} == {organisation["@id"]}
    assert all(item["@type"] == "Product" for item in products)


@pytest.mark.parametrize("field", ["product", "producer"])
def test_a_name_cannot_break_out_of_the_data_block(cast, field):
    if field == "product":
        entry = listed_product(producer=cast.prod1, name=ATTACK, description=ATTACK)
    else:
        cast.prod1.name = ATTACK
        cast.prod1.save()
        entry = listed_product(producer=cast.prod1)
    for name, code in (
        ("catalog:product", entry.product.code),
        ("catalog:producer", cast.prod1.code),
    ):
        response = page(name, code)
        content = response.content.decode()
        assert "<script>alert(1)" not in content
        assert content.count("<script") == 1  # the data block only
        [data] = json_ld_of(response)
        names = (
            [data.get("name")]
            + [item.get("name") for item in data.get("@graph", [])]
            + [data.get("manufacturer", {}).get("name")]
        )
        assert ATTACK in names


def test_json_ld_escapes_what_could_end_the_element():
    text = json_ld({"name": "</script>&<!-- \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text
    import json

    assert json.loads(text) == {"name": "</script>&<!-- \u2028"}


def test_the_pages_keep_the_strict_content_security_policy(tea):
    response = page("catalog:product", tea.product.code)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_open_graph_tags_for_sharing(tea):
    product = tea.product
    response = page("catalog:product", product.code)
    photo = product.photos.get()
    site = settings.SITE_URL
    assert meta(response, "og:title") == "Trà ướp sen Tây Hồ"
    assert meta(response, "og:type") == "product"
    assert meta(response, "og:url") == f"{site}/san-pham-ocop/{product.code}/"
    assert meta(response, "og:image") == (
        f"{site}/san-pham-ocop/{product.code}/anh/{photo.file.code}/"
    )
    description = meta(response, "og:description")
    assert tea.producer.name in description and "Chè Thái Nguyên" in description
    producer = page("catalog:producer", tea.producer.code)
    assert meta(producer, "og:title") == tea.producer.name
    assert meta(producer, "og:image") == meta(response, "og:image")
    assert meta(producer, "og:url") == f"{site}/co-so-ocop/{tea.producer.code}/"


def test_a_long_story_is_cut_for_sharing(cast):
    entry = listed_product(producer=cast.prod1, description="chè " * 400)
    description = meta(page("catalog:product", entry.product.code), "og:description")
    assert len(description) <= 200 and description.endswith("…")


def test_no_inline_script_or_style_but_the_data_block(cast, tea):
    import re

    for name, code in (
        ("catalog:product", tea.product.code),
        ("catalog:producer", tea.producer.code),
    ):
        content = page(name, code).content.decode()
        scripts = re.findall(r"<script[^>]*>", content)
        assert scripts == ['<script type="application/ld+json">'], name
        assert " style=" not in content, name

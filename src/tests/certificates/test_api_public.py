"""The public certificate API: GET /api/v1/certificates/verify/{code} (each state as JSON, in the
caller's language; unknown, forged and altered codes 404 problem details with state "unknown";
malformed text 400) and GET /api/v1/certificates/register (valid certificates, filters,
pagination, the same queries for 1 or 30 rows). No authentication; codes, never ids."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ocop.certificates.enums import RevocationGround
from ocop.certificates.models import Certificate
from ocop.certificates.queries.public import CODE_EXAMPLE

from .public_setup import (
    HONEY,
    certificate,
    forged_code,
    revoke,
    short,
    supersede,
    valid_for,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/certificates"
UNKNOWN_EN = (
    "No certificate was found with this code. The code may have been mistyped, or the "
    "certificate may be forged."
)


def verify(code: str, *, language: str = "en", status: int = 200) -> dict:
    response = Client().get(f"{BASE}/verify/{code}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == status, response.content
    assert response["Cache-Control"] == "no-store"
    expected_type = "application/json" if status == 200 else "application/problem+json"
    assert response["Content-Type"].startswith(expected_type)
    return response.json()


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_of(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_of(item)}
    return set()


def test_a_valid_certificate_as_json(cast):
    cert = valid_for(400, cast.prod1)
    body = verify(cert.verification_code)
    assert body == {
        "state": "valid",
        "message": f"The certificate is valid until {short(cert.valid_until)}.",
        "verification_code": cert.verification_code,
        "verification_url": f"{settings.SITE_URL}/verify/{cert.verification_code}/",
        "number": cert.number,
        "product": {"code": cert.product.code, "name": HONEY},
        "producer": {"code": cast.prod1.code, "name": "HTX Gốm Bát Tràng"},
        "administrative_unit": {"key": cast.commune_a.key, "name": "Xã Bát Tràng"},
        "stars": 4,
        "criteria_set": {
            "code": cert.criteria_code,
            "name": cert.criteria_name,
            "legal_reference": cert.criteria_set.legal_reference,
        },
        "decision": {"number": cert.decision_number, "date": cert.decided_on.isoformat()},
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat(),
        "days_left": 400,
        "authority": "Ủy ban nhân dân thành phố Hà Nội",
        "revocation": None,
        "replaced_by": None,
    }
    assert not {key for key in keys_of(body) if key == "id" or key.endswith("_id")}


def test_the_message_follows_accept_language(cast):
    cert = valid_for(400, cast.prod1)
    from django.utils import translation

    with translation.override("vi"):
        expected = translation.gettext("The certificate is valid until %(date)s.") % {
            "date": short(cert.valid_until)
        }
    assert verify(cert.verification_code, language="vi")["message"] == expected


def test_an_expiring_certificate(cast):
    cert = valid_for(9, cast.prod1)
    body = verify(cert.verification_code)
    assert (body["state"], body["days_left"]) == ("expiring", 9)
    assert (
        body["message"] == f"The certificate is valid until {short(cert.valid_until)}: 9 days left."
    )


def test_an_expired_certificate(cast):
    cert = valid_for(-4, cast.prod1)
    body = verify(cert.verification_code)
    assert (body["state"], body["days_left"]) == ("expired", 0)
    assert (
        body["message"]
        == f"The certificate is no longer valid: it expired on {short(cert.expires_on)}."
    )


def test_a_revoked_certificate_with_its_revocation(cast):
    cert = valid_for(400, cast.prod1)
    revoke(
        cert,
        cast.office,
        ground=RevocationGround.PRODUCTION_STOPPED,
        decided_on=dt.date(2026, 8, 20),
    )
    body = verify(cert.verification_code)
    assert body["state"] == "revoked"
    assert body["revocation"] == {
        "date": "2026-08-20",
        "ground": "production_stopped",
        "ground_label": "the producer no longer makes the product (Điều 8.đ)",
        "decision_number": "77/QĐ-UBND",
    }
    assert body["message"] == (
        "The certificate was revoked on 20/08/2026 by decision 77/QĐ-UBND, on the ground: "
        "the producer no longer makes the product (Điều 8.đ)."
    )


def test_a_superseded_certificate_names_its_successor(cast):
    old = certificate(cast.prod1)
    new = supersede(old)
    body = verify(old.verification_code)
    assert body["state"] == "superseded"
    assert body["replaced_by"] == f"{settings.SITE_URL}/verify/{new.verification_code}/"
    assert verify(new.verification_code)["state"] == "valid"


def test_a_lower_case_code_is_verified(cast):
    cert = valid_for(400, cast.prod1)
    assert verify(cert.verification_code.lower())["number"] == cert.number


@pytest.mark.parametrize("kind", ["unknown", "forged", "borrowed", "altered"])
def test_codes_that_do_not_verify_answer_404_problem_details(cast, kind):
    cert = valid_for(400, cast.prod1)
    other = valid_for(400, cast.prod2, name="Trà sen Tây Hồ")
    code = {
        "unknown": "CAAAAAAAA-AAAAAAAAAAAAAAAA",
        "forged": forged_code(cert),
        "borrowed": f"{cert.code}-{other.verification_code.split('-')[1]}",
        "altered": cert.verification_code,
    }[kind]
    if kind == "altered":
        Certificate.objects.filter(pk=cert.pk).update(producer_name="Công ty giả mạo")
    before = list(Certificate.objects.order_by("pk").values())
    body = verify(code, status=404)
    assert body == {
        "type": "https://ocop.invalid/problems/not-found",
        "title": "Not found.",
        "status": 404,
        "instance": f"{BASE}/verify/{code}",
        "detail": UNKNOWN_EN,
        "state": "unknown",
    }
    assert list(Certificate.objects.order_by("pk").values()) == before


def test_a_malformed_code_answers_400_problem_details(cast):
    body = verify("not-a-code", status=400)
    assert body == {
        "type": "https://ocop.invalid/problems/malformed-code",
        "title": "This is not a verification code.",
        "status": 400,
        "instance": f"{BASE}/verify/not-a-code",
        "detail": (
            f"This is not a verification code. A code looks like {CODE_EXAMPLE}: the letter C and "
            "8 letters or digits, a hyphen, then 16 letters and digits."
        ),
    }


def test_the_verification_needs_no_token_and_ignores_one(cast, api_token):
    cert = valid_for(400, cast.prod1)
    anonymous = Client().get(f"{BASE}/verify/{cert.verification_code}").json()
    signed = Client().get(f"{BASE}/verify/{cert.verification_code}", **api_token(cast.producer2))
    assert signed.status_code == 200 and signed.json() == anonymous


# --- the register -------------------------------------------------------------------------------


def register(**params) -> dict:
    response = Client().get(f"{BASE}/register", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_register_lists_valid_certificates_with_codes(cast):
    honey = valid_for(400, cast.prod1)
    revoke(valid_for(400, cast.prod1, name="Gốm thu hồi"), cast.office)
    valid_for(-2, cast.prod1, name="Gốm hết hạn")
    body = register()
    assert body["count"] == 1
    assert body["items"] == [
        {
            "number": honey.number,
            "verification_url": f"{settings.SITE_URL}/verify/{honey.verification_code}/",
            "product": {"code": honey.product.code, "name": HONEY},
            "producer": {"code": cast.prod1.code, "name": "HTX Gốm Bát Tràng"},
            "administrative_unit": {"key": cast.commune_a.key, "name": "Xã Bát Tràng"},
            "stars": 4,
            "criteria_set": honey.criteria_code,
            "decision": {"number": honey.decision_number, "date": honey.decided_on.isoformat()},
            "issued_on": honey.issued_on.isoformat(),
            "expires_on": honey.expires_on.isoformat(),
            "authority": "Ủy ban nhân dân thành phố Hà Nội",
        }
    ]


def test_the_register_filters(cast):
    honey = valid_for(400, cast.prod1)
    tea = valid_for(500, cast.prod2, name="Trà sen Tây Hồ", stars=3)

    def listed(**params):
        return [item["number"] for item in register(**params)["items"]]

    assert listed(q="mat ong") == [honey.number]
    assert listed(q="tra sen tay ho") == [tea.number]
    assert listed(stars=3) == [tea.number]
    assert listed(commune=cast.commune_a.key) == [honey.number]
    assert listed(criteria_set=tea.criteria_code) == [tea.number]
    assert listed(year=tea.decided_on.year, q="sen") == [tea.number]
    assert listed(year=tea.decided_on.year + 5) == []
    assert listed(limit=1, offset=1) and register(limit=1)["count"] == 2


def test_the_register_refuses_bad_filters(db):
    response = Client().get(f"{BASE}/register", {"stars": 2})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_the_register_costs_the_same_queries_for_1_or_30_rows(cast):
    valid_for(400, cast.prod1)
    client = Client()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{BASE}/register", {"limit": 100}).status_code == 200
        return len(queries)

    one = count()
    for n in range(29):
        valid_for(400 + n, name=f"Sản phẩm {n}")
    assert register(limit=100)["count"] == 30
    assert count() == one

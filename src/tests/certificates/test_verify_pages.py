"""The public verification page (/verify/<code>/, /xac-minh/<code>/) and its form (/xac-minh/):
every state in plain words, in Vietnamese and in English; unknown, forged and altered codes read
the same (404), malformed text answers 400; nothing changes; never cached, never indexed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ocop.certificates.enums import RevocationGround
from ocop.certificates.models import Certificate
from ocop.certificates.queries.public import CODE_EXAMPLE
from ocop.core.models import ActivityLog

from .public_setup import (
    HONEY,
    certificate,
    forged_code,
    revoke,
    short,
    supersede,
    text_of,
    valid_for,
    verify_url,
    vi,
    vi_plural,
)

pytestmark = pytest.mark.django_db

VALID = "The certificate is valid until %(date)s."
EXPIRING = (
    "The certificate is valid until %(date)s: %(days)d day left.",
    "The certificate is valid until %(date)s: %(days)d days left.",
)
EXPIRED = "The certificate is no longer valid: it expired on %(date)s."
REVOKED = (
    "The certificate was revoked on %(date)s by decision %(number)s, on the ground: %(ground)s."
)
SUPERSEDED = "The certificate was replaced by a newer certificate, number %(number)s."
UNKNOWN = (
    "No certificate was found with this code. The code may have been mistyped, or the "
    "certificate may be forged."
)
MALFORMED = (
    "This is not a verification code. A code looks like %(example)s: the letter C and 8 "
    "letters or digits, a hyphen, then 16 letters and digits."
)


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(url: str, client: Client | None = None, status: int = 200):
    response = (client or Client()).get(url)
    assert response.status_code == status, url
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex"
    return response


def snapshot() -> list[dict]:
    return [*Certificate.objects.order_by("pk").values(), {"activity": ActivityLog.objects.count()}]


# --- states ---------------------------------------------------------------------------------


def test_a_valid_certificate_says_until_when_with_what_it_certifies(cast):
    cert = valid_for(400, cast.prod1)
    text = text_of(page(verify_url(cert)))
    assert vi(VALID) % {"date": short(cert.valid_until)} in text
    for shown in (
        HONEY,
        "HTX Gốm Bát Tràng",
        "Xã Bát Tràng",
        cert.criteria_name,
        cert.criteria_set.legal_reference,
        cert.decision_number,
        short(cert.decided_on),
        cert.number,
        "Ủy ban nhân dân thành phố Hà Nội",
        cert.verification_code,
    ):
        assert shown in text, shown


def test_the_vietnamese_alias_shows_the_same_page(cast):
    cert = valid_for(400, cast.prod1)
    text = text_of(page(verify_url(cert, vietnamese=True)))
    assert vi(VALID) % {"date": short(cert.valid_until)} in text
    assert HONEY in text


def test_the_page_draws_the_stars_and_links_the_pdf(cast):
    cert = certificate(cast.prod1, stars=5)
    content = page(verify_url(cert)).content.decode()
    assert content.count("<polygon") == 5
    pdf = reverse("verify:certificate_pdf_vi", kwargs={"code": cert.verification_code})
    assert f'href="{pdf}"' in content


def test_an_expiring_certificate_counts_the_days_left(cast):
    cert = valid_for(12, cast.prod1)
    text = text_of(page(verify_url(cert)))
    expected = vi_plural(*EXPIRING, 12) % {"date": short(cert.valid_until), "days": 12}
    assert expected in text
    english_text = text_of(page(verify_url(cert), english()))
    assert (
        f"The certificate is valid until {short(cert.valid_until)}: 12 days left." in english_text
    )
    assert "Valid, expiring soon" in english_text


def test_one_day_left_is_singular_in_english(cast):
    cert = valid_for(1, cast.prod1)
    text = text_of(page(verify_url(cert), english()))
    assert f"The certificate is valid until {short(cert.valid_until)}: 1 day left." in text


def test_an_expired_certificate_says_since_when(cast):
    cert = valid_for(-20, cast.prod1)  # the daily sweep has not run: the date decides
    text = text_of(page(verify_url(cert)))
    assert vi(EXPIRED) % {"date": short(cert.expires_on)} in text
    assert HONEY in text
    english_text = text_of(page(verify_url(cert), english()))
    assert (
        f"The certificate is no longer valid: it expired on {short(cert.expires_on)}."
        in english_text
    )


def test_a_revoked_certificate_gives_the_date_ground_and_decision(cast):
    cert = valid_for(400, cast.prod1)
    revocation = revoke(
        cert, cast.office, ground=RevocationGround.MARK_MISUSE, decided_on=dt.date(2026, 9, 1)
    )
    text = text_of(page(verify_url(cert)))
    expected = vi(REVOKED) % {
        "date": "01/09/2026",
        "number": "77/QĐ-UBND",
        "ground": vi("misuse of the OCOP mark (Điều 8.d)"),
    }
    assert expected in text
    english_text = text_of(page(verify_url(cert), english()))
    assert (
        "The certificate was revoked on 01/09/2026 by decision 77/QĐ-UBND, on the ground: "
        "misuse of the OCOP mark (Điều 8.d)." in english_text
    )
    assert revocation.code not in english_text  # nothing of the office's own records


def test_a_superseded_certificate_links_the_newer_one(cast):
    old = certificate(cast.prod1)
    new = supersede(old)
    response = page(verify_url(old))
    assert vi(SUPERSEDED) % {"number": new.number} in text_of(response)
    assert f'href="{verify_url(new, vietnamese=True)}"' in response.content.decode()
    english_text = text_of(page(verify_url(old), english()))
    assert (
        f"The certificate was replaced by a newer certificate, number {new.number}." in english_text
    )


def test_english_page_of_a_valid_certificate(cast):
    cert = valid_for(400, cast.prod1)
    text = text_of(page(verify_url(cert), english()))
    assert f"The certificate is valid until {short(cert.valid_until)}." in text
    assert "Verify an OCOP certificate" in text


# --- unknown, forged, altered, malformed ----------------------------------------------------


def test_an_unknown_code_is_404_in_plain_words(cast):
    certificate(cast.prod1)
    response = page(verify_url("CAAAAAAAA-AAAAAAAAAAAAAAAA"), status=404)
    assert vi(UNKNOWN) in text_of(response)
    assert UNKNOWN in text_of(page(verify_url("CAAAAAAAA-AAAAAAAAAAAAAAAA"), english(), 404))


def test_a_forged_mac_reads_exactly_like_an_unknown_code(cast):
    cert = certificate(cast.prod1)
    before = snapshot()
    forged = text_of(page(verify_url(forged_code(cert)), status=404))
    unknown = text_of(page(verify_url("CAAAAAAAA-AAAAAAAAAAAAAAAA"), status=404))
    assert vi(UNKNOWN) in forged
    assert HONEY not in forged and cert.number not in forged
    assert forged.replace(forged_code(cert), "X") == unknown.replace(
        "CAAAAAAAA-AAAAAAAAAAAAAAAA", "X"
    )
    assert snapshot() == before


def test_the_mac_of_another_certificate_does_not_open_this_one(cast):
    mine, other = certificate(cast.prod1), certificate(cast.prod2, name="Trà sen Tây Hồ")
    borrowed = f"{mine.code}-{other.verification_code.split('-')[1]}"
    text = text_of(page(verify_url(borrowed), status=404))
    assert HONEY not in text and "Trà sen Tây Hồ" not in text


def test_a_certificate_altered_in_the_database_after_signing_reads_unknown(cast):
    cert = certificate(cast.prod1)
    Certificate.objects.filter(pk=cert.pk).update(stars=5)
    text = text_of(page(verify_url(cert), status=404))
    assert vi(UNKNOWN) in text
    assert HONEY not in text
    Certificate.objects.filter(pk=cert.pk).update(stars=4, expires_on=dt.date(2030, 6, 15))
    assert vi(UNKNOWN) in text_of(page(verify_url(cert), status=404))


def test_a_malformed_code_is_400_with_the_expected_shape(cast):
    certificate(cast.prod1)
    before = snapshot()
    response = page(verify_url("not-a-code"), status=400)
    assert vi(MALFORMED) % {"example": CODE_EXAMPLE} in text_of(response)
    english_text = text_of(page(verify_url("C1234"), english(), 400))
    assert MALFORMED % {"example": CODE_EXAMPLE} in english_text
    assert snapshot() == before


def test_a_code_typed_in_lower_case_goes_to_the_page_of_the_printed_code(cast):
    cert = certificate(cast.prod1)
    response = Client().get(verify_url(cert.verification_code.lower(), vietnamese=True))
    assert response.status_code == 302
    assert response["Location"] == verify_url(cert, vietnamese=True)
    assert response["Cache-Control"] == "no-store"


def test_the_pages_have_no_inline_script_or_style(cast):
    cert = revoke(certificate(cast.prod1), cast.office).certificate
    for url in [verify_url(cert), verify_url("x"), reverse("verify:form")]:
        content = Client().get(url).content.decode()
        assert "<script" not in content and "style=" not in content and "<style" not in content
        assert "certificates/public.css" in content


# --- the form -------------------------------------------------------------------------------


def test_the_form_page(db):
    response = page(reverse("verify:form"))
    assert 'name="code"' in response.content.decode()
    assert "Verify an OCOP certificate" in text_of(page(reverse("verify:form"), english()))


@pytest.mark.parametrize(
    "typed",
    [
        "{code}",
        "{lower}",
        "  {lower}  ",
        "{spaced}",
        "https://ocop.example.vn/verify/{code}/",
    ],
)
def test_the_form_accepts_the_code_as_people_type_it(cast, typed):
    cert = certificate(cast.prod1)
    code = cert.verification_code
    text = typed.format(
        code=code, lower=code.lower(), spaced=f"{code[:9]} - {code[10:18]} {code[18:]}"
    )
    response = Client().get(reverse("verify:form"), {"code": text})
    assert response.status_code == 302
    assert response["Location"] == verify_url(cert, vietnamese=True)


def test_the_form_sends_an_unknown_code_to_its_page(cast):
    response = Client().get(reverse("verify:form"), {"code": "caaaaaaaa-aaaaaaaaaaaaaaaa"})
    assert response["Location"] == verify_url("CAAAAAAAA-AAAAAAAAAAAAAAAA", vietnamese=True)


def test_the_form_keeps_a_malformed_text_with_the_expected_shape(db):
    response = page(reverse("verify:form") + "?code=12345", status=400)
    text = text_of(response)
    assert vi(MALFORMED) % {"example": CODE_EXAMPLE} in text
    assert 'value="12345"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_footer_links_the_register_and_the_form(db):
    content = Client().get(reverse("core:home")).content.decode()
    assert f'href="{reverse("verify:register")}"' in content
    assert f'href="{reverse("verify:form")}"' in content


def test_the_verification_needs_no_sign_in_and_answers_the_same_to_anyone(cast, client_for):
    cert = valid_for(400, cast.prod1)
    expected = vi(VALID) % {"date": short(cert.valid_until)}
    assert expected in text_of(page(verify_url(cert)))
    for user in (cast.producer2, cast.buyer, cast.outsider):
        assert expected in text_of(page(verify_url(cert), client_for(user)))

"""The verification page on a phone (390 px wide, real Chromium): a shopper scans the QR code on
the certificate and reads the state at once, without scrolling sideways."""

from __future__ import annotations

import pytest

from tests.certificates.public_setup import HONEY, revoke, valid_for, verify_url, vi, vi_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_page_of_a_valid_certificate_fits_a_phone(phone, cast):
    cert = valid_for(400, cast.prod1)
    phone.goto(verify_url(cert))
    state = phone.locator(".verify-state")
    assert vi("valid").lower() in state.inner_text().lower()
    assert HONEY in phone.locator(".verify-facts").inner_text()
    assert phone.locator(".verify-facts svg polygon").count() == 4
    # The stylesheet of the page is loaded (the state's colour), and nothing overflows.
    assert phone.locator(".verify-icon").evaluate("e => getComputedStyle(e).borderRadius") == "50%"
    assert _fits(phone)


def test_the_page_of_a_revoked_certificate_fits_a_phone(phone, cast):
    cert = valid_for(400, cast.prod1)
    revoke(cert, cast.office)
    phone.goto(verify_url(cert, vietnamese=True))
    assert phone.locator(".verify-revoked").count() == 1
    assert "77/QĐ-UBND" in phone.locator(".verify-message").inner_text()
    assert _fits(phone)


def test_the_form_takes_a_code_typed_on_a_phone(phone, cast):
    cert = valid_for(400, cast.prod1)
    phone.goto("/xac-minh/")
    phone.locator("#verify-code").fill(cert.verification_code.lower())
    phone.get_by_role(
        "button", name=vi_context("button: check a certificate code", "Verify")
    ).click()
    phone.wait_for_url(f"**{verify_url(cert, vietnamese=True)}")
    assert HONEY in phone.locator(".verify-facts").inner_text()
    assert _fits(phone)

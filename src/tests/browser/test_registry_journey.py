"""A producer registers in the browser, the commune officer approves, the producer sees it."""

from __future__ import annotations

import pytest

from ocop.producers.models import Producer
from tests.browser.conftest import sign_in, sign_out, vi
from tests.conftest import PASSWORD
from tests.factories.producers import valid_mst

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_self_registration_then_commune_approval(page, cast):
    page.goto("/chu-the/dang-ky/")
    page.locator("#id_account-username").fill("htx_sen_moi")
    page.locator("#id_account-email").fill("sen@example.vn")
    page.locator("#id_account-password1").fill("Sen-Tay-Ho-2026")
    page.get_by_label(vi("Password again")).fill("Sen-Tay-Ho-2026")
    page.get_by_label(vi("Kind")).select_option("cooperative")
    page.locator("#id_name").fill("Hợp tác xã Sen Bát Tràng")
    page.get_by_label(vi("Tax code (MST)")).fill(valid_mst(7))
    page.get_by_label(vi("Address")).fill("Thôn 1")
    page.get_by_label(vi("Commune or ward")).select_option(label=cast.commune_a.name)
    page.get_by_label(vi("Legal representative")).fill("Lê Thị Sen")
    page.get_by_label(vi("Sex of the representative")).select_option("female")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    producer = Producer.objects.get(name="Hợp tác xã Sen Bát Tràng")
    assert producer.status == "pending"
    sign_out(page)

    sign_in(page, cast.commune.username, PASSWORD)
    page.goto(f"/chu-the/{producer.code}/")
    page.get_by_role("button", name=vi("Approve")).click()
    page.wait_for_load_state()
    producer.refresh_from_db()
    assert producer.status == "approved"
    assert vi("approved") in page.locator("main").inner_text().lower()

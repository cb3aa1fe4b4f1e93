"""NUL in a path or query string (issue #9, bad input): PostgreSQL cannot compare text holding
NUL, so search boxes answered 500 there. Every such request is now refused with 400 (a page in
Vietnamese; problem+json under /api/ and /epcis/) before a view runs."""

from __future__ import annotations

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db

PAGES = [
    "/san-pham/?q=a%00b",
    "/chu-the/?q=%00",
    "/ket-noi/nhu-cau/?q=%00",
    "/diem-ban/?q=%00",
    "/truy-xuat/?q=%00",
    "/danh-gia/ho-so/?q=%00",
    "/giay-chung-nhan/?q=%00",
    "/san-pham-ocop/?q=%00",
    "/san-pham-ocop/?%00=1",
    "/chu-the/%00/",
]
MACHINE = [
    "/api/v1/producers/?q=%00",
    "/api/v1/catalog/products?q=%00",
    "/api/v1/products/%00",
    "/epcis/events?EQ_bizStep=%00",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_refuses_nul_with_400_in_vietnamese(cast, client_for, url):
    response = client_for(cast.office).get(url)
    assert response.status_code == 400
    with translation.override("vi"):
        expected = translation.gettext(
            "The address contains a character that is not allowed (NUL)."
        )
    assert expected in response.content.decode()


@pytest.mark.parametrize("url", MACHINE)
def test_the_api_refuses_nul_with_a_problem(cast, api_token, client, url):
    response = client.get(url, **api_token(cast.office))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/bad-request")


def test_ordinary_searches_still_answer(cast, client_for):
    response = client_for(cast.office).get("/san-pham/?q=b%C3%ACnh")
    assert response.status_code == 200

"""The public catalogue page /san-pham-ocop/: search box, filters, sorting, paging, notices for
values that cannot be filters, and the same number of queries for 3 or 30 results."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.producers.enums import ProducerKind
from tests.factories.catalog import listed_product
from tests.factories.geo import CommuneFactory
from tests.factories.producers import ProducerFactory

pytestmark = pytest.mark.django_db
URL = reverse("catalog:list")


def get(params=None, *, client=None, status=200):
    response = (client or Client()).get(URL, params or {})
    assert response.status_code == status
    return response


FIELD_LABELS = {
    "stars": "Stars",
    "year": "Year",
    "kind": "Producer kind",
    "sort": "Sort by",
    "group": "Product group",
    "commune": "Commune or ward",
}


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def card_names(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h3 class="cat-card-name"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def products():
    tay_ho = CommuneFactory(name="Phường Tây Hồ")
    bat_trang = CommuneFactory(name="Xã Bát Tràng")
    household = ProducerFactory(
        name="Hộ kinh doanh Lan", commune=tay_ho, kind=ProducerKind.HOUSEHOLD
    )
    coop = ProducerFactory(name="HTX Gốm Minh Phát", commune=bat_trang)
    return {
        "tea": listed_product(
            name="Trà sen Tây Hồ",
            stars=5,
            producer=household,
            group=("G2", "Chè"),
            year=2025,
            photo=True,
        ),
        "vase": listed_product(
            name="Bình gốm men rạn", stars=4, producer=coop, group=("G3", "Gốm sứ"), year=2026
        ),
        "cups": listed_product(
            name="Bộ ấm chén", stars=3, producer=coop, group=("G3", "Gốm sứ"), year=2026
        ),
    }


def test_anyone_sees_the_listed_products_as_cards(products):
    response = get()
    assert card_names(response) == ["Trà sen Tây Hồ", "Bình gốm men rạn", "Bộ ấm chén"]
    html = response.content.decode()
    tea = products["tea"]
    assert reverse("catalog:product", args=[tea.product.code]) in html
    assert reverse("catalog:producer", args=[tea.producer.code]) in html
    assert reverse("catalog:photo", args=[tea.product.code, tea.photo.file.code]) in html
    assert "Phường Tây Hồ" in html
    assert "Chè" in html
    assert 'href="/static/catalog/catalog.css"' in html
    assert "style=" not in html
    assert "<script" not in html


def test_signed_in_users_see_the_same(cast, client_for, products):
    assert card_names(get(client=client_for(cast.producer2))) == card_names(get())


def test_the_search_box_finds_without_diacritics_and_echoes_the_query(products):
    response = get({"q": "gom"})
    assert card_names(response) == ["Bình gốm men rạn", "Bộ ấm chén"]
    assert 'value="gom"' in response.content.decode()
    assert card_names(get({"q": "trà sen"})) == ["Trà sen Tây Hồ"]
    assert card_names(get({"q": "am chen"})) == ["Bộ ấm chén"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stars": "5"}, ["Trà sen Tây Hồ"]),
        ({"stars": ["4", "5"]}, ["Trà sen Tây Hồ", "Bình gốm men rạn"]),
        ({"stars": "3,4"}, ["Bình gốm men rạn", "Bộ ấm chén"]),
        ({"group": "G3"}, ["Bình gốm men rạn", "Bộ ấm chén"]),
        ({"category": "C01"}, ["Trà sen Tây Hồ", "Bình gốm men rạn", "Bộ ấm chén"]),
        ({"category": "C99"}, []),
        ({"kind": "household"}, ["Trà sen Tây Hồ"]),
        ({"kind": "enterprise"}, []),
        ({"year": "2025"}, ["Trà sen Tây Hồ"]),
        ({"year": "2026", "stars": "3"}, ["Bộ ấm chén"]),
        ({"q": "gom", "stars": "4"}, ["Bình gốm men rạn"]),
    ],
)
def test_filters(products, params, expected):
    assert card_names(get(params)) == expected


def test_the_commune_filter_takes_a_commune_of_the_listed_products(products):
    tay_ho = products["tea"].commune
    html = get().content.decode()
    assert f'<option value="{tay_ho.key}">Phường Tây Hồ</option>' in html
    assert card_names(get({"commune": tay_ho.key})) == ["Trà sen Tây Hồ"]


def test_the_filter_form_offers_the_values_present(products):
    html = get().content.decode()
    assert '<option value="G2">Chè</option>' in html
    assert '<option value="G3">Gốm sứ</option>' in html
    assert '<option value="2026">2026</option>' in html
    assert '<option value="2024">' not in html


def test_chosen_filters_stay_chosen(products):
    html = get({"stars": ["4", "5"], "group": "G3", "year": "2026", "kind": "cooperative"})
    html = html.content.decode()
    assert 'value="4" checked' in html and 'value="5" checked' in html
    assert 'value="3" checked' not in html
    assert '<option value="G3" selected>' in html
    assert '<option value="2026" selected>' in html
    assert '<option value="cooperative" selected>' in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stars": "7"}, "stars"),
        ({"stars": "four"}, "stars"),
        ({"year": "twenty"}, "year"),
        ({"year": "9" * 5000}, "year"),
        ({"year": "1850"}, "year"),
        ({"kind": "pirate"}, "kind"),
        ({"sort": "price"}, "sort"),
        ({"group": "G3' OR 1=1"}, "group"),
        ({"commune": "x" * 500}, "commune"),
    ],
)
def test_a_value_that_cannot_be_a_filter_is_ignored_with_a_notice(products, params, field):
    response = get(params, client=english())
    html = response.content.decode()
    assert "Some filters could not be read and were left out" in html
    assert f"<li>{FIELD_LABELS[field]}: " in html
    assert card_names(response) == ["Trà sen Tây Hồ", "Bình gốm men rạn", "Bộ ấm chén"]


def test_the_filters_are_folded_away_until_one_is_chosen(products):
    assert '<details class="cat-filters-box">' in get({"q": "tra"}).content.decode()
    for params in ({"stars": "5"}, {"sort": "name"}, {"year": "abc"}):
        assert '<details class="cat-filters-box" open>' in get(params).content.decode()


def test_the_valid_filters_still_apply_next_to_an_invalid_one(products):
    assert card_names(get({"stars": ["5", "9"], "year": "abc"})) == ["Trà sen Tây Hồ"]


@pytest.mark.parametrize(
    "q",
    [
        "x" * 10_000,
        "%",
        "_",
        "\\",
        "' OR 1=1 --",
        'NEAR(trà) "sen"*',
        "🙂🫖",
        "שלום",
        "\x01trà",
        "",
    ],
)
def test_any_search_text_answers(products, q):
    get({"q": q})


def test_a_search_text_with_nul_is_refused_with_400(products):
    """PostgreSQL cannot compare text holding NUL: the request is refused before the search
    (`ocop.core.middleware.NulGuardMiddleware`)."""
    get({"q": "\x00\x01trà"}, status=400)


def test_a_text_without_words_finds_nothing(products):
    response = get({"q": "%_%"}, client=english())
    assert card_names(response) == []
    assert "No product matches" in response.content.decode()


def test_sorting(products):
    assert card_names(get({"sort": "name"})) == ["Bình gốm men rạn", "Bộ ấm chén", "Trà sen Tây Hồ"]
    assert card_names(get({"sort": "stars"})) == [
        "Trà sen Tây Hồ",
        "Bình gốm men rạn",
        "Bộ ấm chén",
    ]
    # newest certificate first (2026 before 2025), then the name
    assert card_names(get({"sort": "newest"})) == [
        "Bình gốm men rạn",
        "Bộ ấm chén",
        "Trà sen Tây Hồ",
    ]
    # relevance without a query: by stars; and it is not offered
    assert card_names(get({"sort": "relevance"})) == card_names(get({"sort": "stars"}))
    assert 'value="relevance"' not in get().content.decode()
    assert 'value="relevance" selected' in get({"q": "gom"}).content.decode()


def test_pages_of_24_with_links_that_keep_the_filters():
    producer = ProducerFactory()
    for n in range(30):
        listed_product(name=f"Bánh cốm {n:02d}", producer=producer, stars=4)
    first = get({"q": "banh com", "stars": "4"})
    assert len(card_names(first)) == 24
    html = first.content.decode()
    link = re.search(r'<a href="\?([^"]+)" rel="next">', html).group(1)
    assert "q=banh+com" in link and "stars=4" in link and "page=2" in link
    second = get({"q": "banh com", "stars": "4", "page": "2"})
    assert len(card_names(second)) == 6
    assert set(card_names(first)).isdisjoint(card_names(second))
    assert card_names(get({"page": "abc"})) == card_names(get())
    assert card_names(get({"page": "999"})) == card_names(second)


def test_the_count_of_results(products):
    client = english()
    assert "3 products found" in get(client=client).content.decode()
    assert "1 product found" in get({"q": "sen"}, client=client).content.decode()
    assert "0 products found" in get({"q": "xyz"}, client=client).content.decode()


def test_the_page_answers_get_only(products):
    assert Client().post(URL, {"q": "tra"}).status_code == 405


def _queries(params) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        get(params)
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"q": "banh"}, {"q": "bánh", "stars": "4", "sort": "name"}])
def test_the_number_of_queries_does_not_grow_with_the_results(params):
    producers = [ProducerFactory(commune=CommuneFactory()) for _ in range(3)]
    for n in range(3):
        listed_product(name=f"Bánh {n}", producer=producers[n], group=("G1", "Bánh"), photo=True)
    few = _queries(params)
    for n in range(27):
        listed_product(
            name=f"Bánh thêm {n}",
            producer=producers[n % 3],
            group=(f"G{n % 4}", "Nhóm"),
            photo=n % 2 == 0,
            stars=3 + n % 3,
        )
    many = _queries(params)
    assert few == many
    assert many <= 8


def test_the_filter_choices_come_from_the_cache_on_the_next_page(products):
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        get()
    with CaptureQueriesContext(connection) as warm:
        get()
    assert len(warm) == len(cold) - 4


def test_the_export_links_keep_the_filters(products):
    html = get({"q": "gom", "stars": "4", "page": "1"}).content.decode()
    assert reverse("catalog:export_csv") + "?q=gom&amp;stars=4" in html
    assert reverse("catalog:export_json") + "?q=gom&amp;stars=4" in html

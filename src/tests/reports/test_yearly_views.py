"""The yearly report's page and its two downloads (/bao-cao/bao-cao-nam/…): parameters, errors,
files, access, and the number of queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ocop.reports.models import Plan
from tests.reports.test_yearly import (
    END_2019,
    approve,
    build_world,
    decision,
    grow,
    item,
    pdf_text,
    vi,
)

PAGE = reverse("reports:yearly")
XLSX = reverse("reports:yearly_xlsx")
PDF = reverse("reports:yearly_pdf")
URLS = (PAGE, XLSX, PDF)
AS_OF_2019 = {"year": "2019", "as_of": "31/12/2019"}


@pytest.fixture
def world(cast):
    return build_world()


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- the page ---------------------------------------------------------------------------------


def test_the_page_shows_the_figures_and_links_to_the_downloads(world, cast, client_for):
    response = client_for(cast.office).get(PAGE, AS_OF_2019)

    assert response.status_code == 200
    report = response.context["report"]
    assert report.summary.products_ranked == 3
    assert report.as_of == END_2019
    html = response.content.decode()
    assert '<td class="num" id="figure-ranked">3</td>' in html
    assert '<td class="num" id="figure-achievement">50,0%</td>' in html
    assert '<td class="num" id="figure-workers">80</td>' in html
    query = "year=2019&amp;as_of=31%2F12%2F2019"
    assert f'href="{XLSX}?{query}"' in html
    assert f'href="{PDF}?{query}"' in html
    assert "Rượu nếp Kim Lan" in html
    assert "Huyện Đông Anh" in html
    assert "91,20" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in html
    assert "<script" not in html
    assert "style=" not in html
    assert "<style" not in html


def test_without_parameters_the_current_year_as_of_today(world, cast, client_for):
    response = client_for(cast.office).get(PAGE)

    assert response.status_code == 200
    report = response.context["report"]
    today = timezone.localdate()
    assert report.year == today.year
    assert report.as_of == today
    html = response.content.decode()
    assert f'name="year" id="id_year" value="{today.year}"' in html
    assert f'name="as_of" id="id_as_of" value="{today:%d/%m/%Y}"' in html


def test_the_page_in_english(world, cast, client_for):
    response = english(client_for(cast.office)).get(PAGE, AS_OF_2019)

    html = response.content.decode()
    assert "<h1>Yearly report</h1>" in html
    assert "By district" in html
    assert "potential 5★" in html


def test_the_page_shows_100_3_percent_for_301_of_300(world, cast, client_for):
    Plan.objects.filter(year=2019).update(products_target=300)
    grow(world, 296, producers=3)

    response = client_for(cast.office).get(PAGE, {"year": "2019"})

    html = response.content.decode()
    assert '<td class="num" id="figure-ranked">301</td>' in html
    assert '<td class="num" id="figure-achievement">100,3%</td>' in html
    assert len(response.context["products"]) == 100
    assert response.context["more_products"] == 201


def test_a_district_report(world, cast, client_for):
    response = client_for(cast.office).get(PAGE, {**AS_OF_2019, "unit": "018"})

    assert response.status_code == 200
    report = response.context["report"]
    assert report.unit == world.districts["gia_lam"]
    assert report.summary.products_ranked == 1
    assert "unit=018" in response.context["xlsx_url"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"as_of": "31/13/2019"}, "as_of", "Enter the day as dd/mm/yyyy, for example 31/12/2019."),
        ({"as_of": "hôm qua"}, "as_of", "Enter the day as dd/mm/yyyy, for example 31/12/2019."),
        ({"unit": "99999"}, "unit", "There is no such administrative unit among yours."),
        ({"unit": "<b>"}, "unit", "There is no such administrative unit among yours."),
        ({"year": "abc"}, "year", None),
        ({"year": "1999"}, "year", None),
    ],
)
def test_bad_parameters_are_clear_errors(world, cast, client_for, params, field, message):
    client = client_for(cast.office)
    for url in URLS:
        response = client.get(url, {"year": "2019", **params})

        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        form = response.context["form"]
        assert field in form.errors
        if message:
            assert form.errors[field] == [vi(message)]
        assert response.context["report"] is None
        assert 'aria-invalid="true"' in response.content.decode()


def test_a_day_in_the_future_is_refused(world, cast, client_for):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = client_for(cast.office).get(PAGE, {"as_of": tomorrow.strftime("%d/%m/%Y")})

    assert response.status_code == 400
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert response.context["form"].errors["as_of"] == [
        vi("The day cannot be in the future (today is %(today)s).") % {"today": today}
    ]


def test_a_year_after_this_one_is_refused(world, cast, client_for):
    response = client_for(cast.office).get(PAGE, {"year": str(timezone.localdate().year + 1)})

    assert response.status_code == 400
    assert "year" in response.context["form"].errors


# --- the downloads ----------------------------------------------------------------------------


def test_xlsx_download(world, cast, client_for):
    response = client_for(cast.office).get(XLSX, AS_OF_2019)

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-ocop-2019-den-31-12-2019.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 4
    assert book.worksheets[3].cell(row=5, column=2).value == "Rượu nếp Kim Lan"


def test_xlsx_download_in_vietnamese_from_an_english_page(world, cast, client_for):
    response = english(client_for(cast.office)).get(XLSX, AS_OF_2019)

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == vi("Summary", "yearly report sheet")


def test_pdf_download(world, cast, client_for):
    response = client_for(cast.office).get(PDF, {**AS_OF_2019, "unit": "017"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-ocop-2019-017-den-31-12-2019.pdf"'
    )
    text = pdf_text(response.content)
    assert "Mật ong hoa nhãn Đông Anh" in text
    assert "Rượu nếp Kim Lan" not in text


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(world, client, url):
    response = client.get(url, AS_OF_2019)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["producer1", "producer1_staff", "buyer", "outsider"])
@pytest.mark.parametrize("url", URLS)
def test_others_get_404(world, cast, client_for, who, url):
    assert client_for(getattr(cast, who)).get(url, AS_OF_2019).status_code == 404


@pytest.mark.parametrize("who", ["admin", "approver", "chair", "member"])
def test_province_wide_officials_see_the_report(world, cast, client_for, who):
    response = client_for(getattr(cast, who)).get(PAGE, AS_OF_2019)
    assert response.status_code == 200
    assert response.context["report"].summary.products_ranked == 3


@pytest.fixture
def cycle_2026(world, cast):
    decided = decision(world, "2026", 2026, "1147/QĐ-UBND")
    item(world, decided, cast.product1, cast.commune_a, stars=4, mean="80")
    item(world, decided, cast.product2, cast.commune_b, stars=3, mean="65")
    approve(decided, dt.date(2026, 6, 15))
    return decided


def test_a_commune_officer_sees_their_commune_only(cycle_2026, cast, client_for):
    client = client_for(cast.commune)
    params = {"year": "2026", "as_of": "31/12/2026"}
    if timezone.localdate() < dt.date(2026, 12, 31):
        params["as_of"] = timezone.localdate().strftime("%d/%m/%Y")

    response = client.get(PAGE, params)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.unit == cast.commune_a
    assert [row.product for row in report.products] == ["Bình gốm men lam"]
    assert list(response.context["own_units"]) == [cast.commune_a]
    assert "Trà sen Tây Hồ" not in response.content.decode()

    other = client.get(PAGE, {**params, "unit": cast.commune_b.code})
    assert other.status_code == 400
    assert other.context["report"] is None
    assert "Trà sen Tây Hồ" not in other.content.decode()
    for url in (XLSX, PDF):
        refused = client.get(url, {**params, "unit": cast.commune_b.code})
        assert refused.status_code == 400
        assert refused["Content-Type"].startswith("text/html")
    book = load_workbook(io.BytesIO(client.get(XLSX, params).content))
    names = [row[1] for row in book.worksheets[3].iter_rows(min_row=5, values_only=True)]
    assert names == ["Bình gốm men lam"]


# --- the number of queries --------------------------------------------------------------------


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE, {"year": "2019"}).status_code == 200
    return len(captured.captured_queries)


def test_the_page_makes_the_same_queries_for_3_and_30_more_products(world, cast, client_for):
    client = client_for(cast.office)
    grow(world, 3)
    few = page_queries(client)
    grow(world, 27)

    assert page_queries(client) == few

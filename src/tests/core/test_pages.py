import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ocop.core.middleware import CSP

pytestmark = pytest.mark.django_db


def _labels(response):
    return [str(item["label"]) for item in response.context["nav_menu"]]


def test_home_for_a_visitor(db):
    response = Client().get(reverse("core:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert reverse("accounts:login") in content
    assert reverse("core:dashboard") not in content


def test_home_for_a_signed_in_user_links_the_dashboard(cast, client_for):
    content = client_for(cast.office).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:dashboard")}"' in content
    assert reverse("accounts:logout") in content


def test_dashboard_requires_sign_in(db):
    response = Client().get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('core:dashboard')}"


# The officials' "Supply and demand" block (ocop.trade.queries.statistics.trade_figures), empty.
NO_TRADE = {
    "connections": {
        "new": 0,
        "contacted": 0,
        "sample_sent": 0,
        "deal": 0,
        "closed_no_deal": 0,
    },
    "connections_total": 0,
    "deals": 0,
    "demands_open": 0,
    "offers_open": 0,
    "buyers_pending": 0,
}


@pytest.mark.parametrize(
    ("name", "figures"),
    [
        (
            "office",
            {"producers_total": 2, "producers_pending": 0, "products_total": 2, "trade": NO_TRADE},
        ),
        (
            "commune",
            {"producers_total": 1, "producers_pending": 0, "products_total": 1, "trade": NO_TRADE},
        ),
        (
            "commune2",
            {"producers_total": 1, "producers_pending": 0, "products_total": 1, "trade": NO_TRADE},
        ),
        ("producer1", {"producers_total": 1, "producers_pending": 0, "products_total": 1}),
        ("buyer", {"producers_total": 0, "producers_pending": 0, "products_total": 0}),
        ("outsider", {"producers_total": 0, "producers_pending": 0, "products_total": 0}),
    ],
)
def test_dashboard_counts_are_scoped(cast, client_for, name, figures):
    response = client_for(getattr(cast, name)).get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert response.context["figures"] == figures


def test_dashboard_counts_the_pending_producers_of_the_commune_only(cast, client_for):
    type(cast.prod1).objects.filter(pk=cast.prod1.pk).update(status="pending")
    type(cast.prod2).objects.filter(pk=cast.prod2.pk).update(status="pending")
    commune = client_for(cast.commune).get(reverse("core:dashboard")).context["figures"]
    office = client_for(cast.office).get(reverse("core:dashboard")).context["figures"]
    assert (commune["producers_pending"], office["producers_pending"]) == (1, 2)


def test_healthz(db):
    response = Client().get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}
    assert "no-cache" in response["Cache-Control"]


def test_security_headers_on_every_page(db):
    response = Client().get(reverse("core:home"))
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == "camera=(self), geolocation=(), microphone=()"


def test_pages_have_no_inline_script_or_style(cast, client_for):
    for url in [reverse("core:home"), reverse("core:dashboard"), reverse("accounts:profile")]:
        content = client_for(cast.office).get(url).content.decode()
        assert "<script" not in content, url
        assert "style=" not in content, url
        assert "<style" not in content, url


def test_language_switch(db):
    client = Client()
    assert '<html lang="vi">' in client.get(reverse("core:home")).content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("core:home")})
    assert (response.status_code, response["Location"]) == (302, reverse("core:home"))
    content = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in content
    assert "Tiếng Việt" in content  # the way back


def _vi(*msgids: str) -> list[str]:
    """The Vietnamese labels of the menu, as the catalogue has them now (the translations of
    the evaluation's entries are being written; the test does not depend on their state)."""
    with translation.override("vi"):
        return [translation.gettext(msgid) for msgid in msgids]


DASHBOARD, CRITERIA, MAP = "Bảng điều khiển", "Tiêu chí", "Địa bàn hành chính"
# The public results, the council's sessions and the evaluation's work (issue 4).
RESULTS, SCORING, DOSSIERS, ROUNDS, COUNCILS, DECISIONS = _vi(
    "Results", "Scoring", "Dossiers", "Rounds", "Councils", "Decisions"
)
(CERTIFICATES,) = _vi("Certificates")
(TRACEABILITY,) = _vi("Traceability")  # the producers' batches and stamps (issue 6)
(REPORTS,) = _vi("Reports")  # state management for officials (issue 8)
# The portal (issue 7): the catalogue, the points of sale and the news for everyone; the
# supply–demand board for buyers, producers and officials.
CATALOGUE, POINTS, TRADE, NEWS = _vi("OCOP products", "Points of sale", "Supply and demand", "News")
REGISTRY = [DASHBOARD, "Chủ thể", "Sản phẩm"]
PUBLIC = [CATALOGUE, POINTS, NEWS, CRITERIA, RESULTS, MAP]
WITH_BOARD = [CATALOGUE, POINTS, TRADE, NEWS, CRITERIA, RESULTS, MAP]
OFFICE_MENU = [
    *REGISTRY,
    DOSSIERS,
    ROUNDS,
    COUNCILS,
    DECISIONS,
    CERTIFICATES,
    TRACEABILITY,
    REPORTS,
    *WITH_BOARD,
]
PRODUCER_MENU = [
    DASHBOARD,
    "Chủ thể của tôi",
    "Sản phẩm của tôi",
    DOSSIERS,
    CERTIFICATES,
    TRACEABILITY,
    *WITH_BOARD,
]


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        (None, PUBLIC),
        ("outsider", [DASHBOARD, *PUBLIC]),
        ("buyer", [DASHBOARD, *WITH_BOARD]),
        ("office", OFFICE_MENU),
        ("commune", [*REGISTRY, DOSSIERS, CERTIFICATES, TRACEABILITY, REPORTS, *WITH_BOARD]),
        ("chair", [*REGISTRY, SCORING, REPORTS, *PUBLIC]),
        ("approver", [*REGISTRY, DECISIONS, CERTIFICATES, REPORTS, *PUBLIC]),
        ("producer1", PRODUCER_MENU),
        ("producer1_staff", PRODUCER_MENU),
        ("admin", [*OFFICE_MENU, "Quản trị"]),
    ],
)
def test_menu_per_role_in_vietnamese(cast, name, labels):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the browser's language does not matter
    if name:
        client.force_login(getattr(cast, name))
    response = client.get(reverse("core:home"))
    assert _labels(response) == labels


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("office", "evaluation:dossiers"),
        ("admin", "evaluation:dossiers"),
        ("commune", "evaluation:dossier_inbox"),
        ("producer1", "evaluation:dossiers"),
    ],
)
def test_the_dossiers_entry_leads_each_role_to_its_dossiers(cast, client_for, name, url):
    response = client_for(getattr(cast, name)).get(reverse("core:home"))
    entries = {str(item["label"]): item["url"] for item in response.context["nav_menu"]}
    assert entries[DOSSIERS] == reverse(url)
    assert client_for(getattr(cast, name)).get(entries[DOSSIERS]).status_code == 200


def test_the_office_entries_open_their_pages(cast, client_for):
    client = client_for(cast.office)
    response = client.get(reverse("core:home"))
    entries = {str(item["label"]): item["url"] for item in response.context["nav_menu"]}
    for label in (ROUNDS, COUNCILS, DECISIONS):
        assert client.get(entries[label]).status_code == 200, label
    approver = client_for(cast.approver)
    assert approver.get(reverse("evaluation:decisions")).status_code == 200


def test_menu_in_english_after_the_switch(cast, client_for):
    client = client_for(cast.office)
    client.post("/i18n/setlang/", {"language": "en", "next": reverse("core:home")})
    response = client.get(reverse("core:home"))
    assert _labels(response) == [
        "Dashboard",
        "Producers",
        "Products",
        "Dossiers",
        "Rounds",
        "Councils",
        "Decisions",
        "Certificates",
        "Traceability",
        "Reports",
        "OCOP products",
        "Points of sale",
        "Supply and demand",
        "News",
        "Criteria",
        "Results",
        "Administrative map",
    ]


def test_menu_marks_the_current_page(cast, client_for):
    response = client_for(cast.office).get(reverse("core:dashboard"))
    assert [item["active"] for item in response.context["nav_menu"]] == [True] + [False] * 16
    assert 'aria-current="page"' in response.content.decode()


def test_the_criteria_entry_is_marked_on_the_criteria_pages(db):
    response = Client().get(reverse("criteria:sets"))
    active = [str(item["label"]) for item in response.context["nav_menu"] if item["active"]]
    assert active == [CRITERIA]


def test_the_dossiers_entry_is_marked_on_the_dossier_list(cast, client_for):
    response = client_for(cast.office).get(reverse("evaluation:dossiers"))
    active = [str(item["label"]) for item in response.context["nav_menu"] if item["active"]]
    assert active == [DOSSIERS]


def test_the_results_entry_is_marked_on_the_public_results(db):
    response = Client().get(reverse("results:rounds"))
    active = [str(item["label"]) for item in response.context["nav_menu"] if item["active"]]
    assert active == [RESULTS]


def test_error_pages_use_the_layout(db):
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert '<html lang="vi">' in response.content.decode()
    assert response.templates[0].name == "404.html"


def test_pages_are_vietnamese_even_when_the_browser_asks_for_english(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(reverse("core:home"))
    assert response.headers["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


def test_the_api_follows_accept_language(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/no/such/thing")
    assert response.headers["Content-Language"] == "en"


def test_pages_name_their_icon_so_browsers_do_not_ask_for_favicon_ico(db):
    """Found by the browser journey: every first visit asked for /favicon.ico (a 404 logged as
    a warning). The layout names the icon, a static SVG."""
    from django.contrib.staticfiles import finders

    content = Client().get(reverse("core:home")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg' in content
    assert finders.find("img/favicon.svg") is not None

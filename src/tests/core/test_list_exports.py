"""Every list page exports to XLSX (`?format=xlsx`): the rows the list shows (its filters, search
and sort, every page), for the people who may see the list and no one else.

`REGISTRY` names each list with an export: the URL, who looks at it, and how to add one row to
it. `test_every_list_view_is_in_the_registry` reads the URL configuration and fails for a list
view (one that pages its rows) that is neither registered here nor excused in `NOT_EXPORTED`,
so a new list without its export is noticed.
"""

from __future__ import annotations

import datetime as dt
import html
import inspect
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ocop.core.xlsx import XLSX_CONTENT_TYPE
from ocop.evaluation.enums import DecisionStatus, DossierStatus, Level, SessionStatus
from ocop.evaluation.models import (
    Council,
    Decision,
    DecisionItem,
    Dossier,
    OutboxMessage,
    Round,
    Session,
    SessionDossier,
)
from ocop.reports.enums import ImportKind, ImportStatus
from ocop.reports.imports.cells import problem
from ocop.reports.models import ImportJob
from ocop.reports.services.imports import run_import_job, start_import
from ocop.traceability.models import Scan
from tests.factories.certificates import CertificateFactory
from tests.factories.criteria import CriteriaSetFactory, ScorecardFactory
from tests.factories.geo import CommuneFactory
from tests.factories.news import ArticleFactory
from tests.factories.points import PointOfSaleFactory
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory
from tests.factories.reports import (
    PlanFactory,
    TrainingAttendanceFactory,
    TrainingCourseFactory,
    TrainingParticipantFactory,
    TrainingSessionFactory,
)
from tests.factories.traceability import BatchFactory, LocationFactory, StampFactory
from tests.factories.trade import BuyerFactory, ConnectionFactory, DemandFactory, OfferFactory
from tests.reports.dashboard_world import ReportWorld
from tests.reports.import_files import producer_row, workbook_bytes, xlsx_upload

pytestmark = pytest.mark.django_db


def marker(index: int) -> str:
    """The recognisable text of the index-th row a test adds (Vietnamese, to check the text)."""
    return f"Xuất khẩu thử {index:03d}"


# --- the rows of each list -------------------------------------------------------------------


def _dossier(cast: Any, ctx: dict[str, Any], name: str, **fields: Any) -> Dossier:
    if "scorecard" not in ctx:
        ctx["scorecard"] = ScorecardFactory()
    product = ProductFactory(producer=fields.pop("producer", cast.prod1), name=name)
    values = {
        "product": product,
        "producer": product.producer,
        "commune": product.producer.commune,
        "criteria_set": ctx["scorecard"].criteria_set,
        "scorecard": ctx["scorecard"],
        "procedure_profile": "test-profile",
        "status": DossierStatus.DRAFT,
        "level": Level.COMMUNE,
    }
    values.update(fields)
    return Dossier.objects.create(**values)


def _round(ctx: dict[str, Any], **fields: Any) -> Round:
    criteria_set = ctx.get("criteria_set") or CriteriaSetFactory()
    ctx["criteria_set"] = criteria_set
    values = {
        "name": "Đợt 1 năm 2026",
        "year": 2026,
        "number": 1,
        "level": Level.PROVINCE,
        "criteria_set": criteria_set,
        "status": "scoring",
    }
    values.update(fields)
    return Round.objects.create(**values)


def _published_round(cast: Any, ctx: dict[str, Any]) -> None:
    """A round and a closed session of its council (each row adds an approved decision)."""
    round_ = _round(ctx, name="Đợt 2 năm 2026 cấp tỉnh", number=2)
    council = Council.objects.create(name="Hội đồng thử", level=Level.PROVINCE)
    ctx["session"] = Session.objects.create(
        council=council,
        round=round_,
        held_on=dt.date(2026, 6, 15),
        status=SessionStatus.CLOSED,
        closed_at=timezone.now(),
    )
    ctx["round"] = round_


def _recognised(cast: Any, ctx: dict[str, Any], index: int) -> None:
    dossier = _dossier(cast, ctx, marker(index), status=DossierStatus.RECOGNISED)
    agenda = SessionDossier.objects.create(session=ctx["session"], dossier=dossier)
    # Each row its own decision: an approved decision is final, its items are added before.
    decision = Decision.objects.create(
        round=ctx["round"],
        level=Level.PROVINCE,
        number=f"{1100 + index}/QĐ-UBND",
        title="Công nhận sản phẩm OCOP",
        drafted_by=cast.office,
    )
    DecisionItem.objects.create(
        decision=decision,
        dossier=dossier,
        agenda_item=agenda,
        recognised=True,
        stars=4,
        mean_total=Decimal("78.50"),
    )
    decision.status = DecisionStatus.APPROVED
    decision.signed_on = dt.date(2026, 7, 10)
    decision.approved_by = cast.approver
    decision.save()


def _batch(cast: Any, ctx: dict[str, Any]) -> None:
    ctx["batch"] = BatchFactory(product=cast.product1, lot="L2026-XK")


def _scan(cast: Any, ctx: dict[str, Any], index: int) -> None:
    product = ProductFactory(producer=cast.prod1, name=marker(index))
    Scan.objects.create(product=product, scanned_at=timezone.now() - dt.timedelta(hours=1))


def _this_year() -> int:
    """The ranked list shows the current cycle year unless asked for another."""
    return timezone.localdate().year


def _report_world(cast: Any, ctx: dict[str, Any]) -> None:
    ctx["world"] = ReportWorld.build(cast)


def _ranked(cast: Any, ctx: dict[str, Any], index: int) -> None:
    world = ctx["world"]
    world.rank(world.product(name=marker(index)), 4, year=_this_year())


def _upload(cast: Any, index: int, **rows: Any) -> ImportJob:
    """An uploaded producers' file named after the index-th row (queued, not run)."""
    content = workbook_bytes("producers", [producer_row(cast.commune_a, index + 1, **rows)])
    return start_import(
        actor=cast.office,
        kind=ImportKind.PRODUCERS,
        upload=xlsx_upload(content, f"{marker(index)}.xlsx"),
        queue=False,
    )


def _failed_import(cast: Any, ctx: dict[str, Any]) -> None:
    """An import refused for an unknown commune; each row adds a problem to it."""
    job = _upload(cast, 999, commune="77777")
    ctx["job"] = run_import_job(job.code)
    assert ctx["job"].status == ImportStatus.FAILED


def _import_problem(cast: Any, ctx: dict[str, Any], index: int) -> None:
    job = ctx["job"]
    job.errors = [*job.errors, problem(index + 3, "H", "commune", "unknown", marker(index))]
    job.save(update_fields=["errors"])


@dataclass(frozen=True)
class Case:
    """A list with an export: its URL name, who looks at it (a cast attribute, None for a
    visitor), how to add the index-th row (showing `marker(index)`, or `text(index)`, in the
    column headed `column`), the headings of its spreadsheet (in English) and the text of the
    page's link to it."""

    url_name: str
    role: str | None
    add: Callable[[Any, dict[str, Any], int], Any]
    column: str
    headings: tuple[str, ...]
    prepare: Callable[[Any, dict[str, Any]], None] | None = None
    kwargs: Callable[[dict[str, Any]], dict[str, str]] = field(default=lambda ctx: {})
    text: Callable[[int], str] = marker
    sheet: int = 0
    link_text: str = "Download XLSX"

    def __str__(self) -> str:
        return self.url_name


REGISTRY: list[Case] = [
    Case(
        "news:manage",
        "office",
        lambda cast, ctx, i: ArticleFactory(title=marker(i), slug=f"xuat-khau-{i}"),
        "Title",
        (
            "Code",
            "Title",
            "Kind",
            "Status",
            "Deadline for dossiers",
            "Published",
            "Last changed",
            "Author",
        ),
    ),
    Case(
        "certificates:list",
        "office",
        lambda cast, ctx, i: CertificateFactory(
            product=ProductFactory(producer=cast.prod1, name=marker(i))
        ),
        "Product",
        (
            "Certificate number",
            "Product",
            "Producer",
            "Commune or ward",
            "Stars",
            "Mean score",
            "Criteria set",
            "Decision number",
            "Decision date",
            "Issued on",
            "Expires on",
            "State",
        ),
    ),
    Case(
        "evaluation:dossiers",
        "office",
        lambda cast, ctx, i: _dossier(cast, ctx, marker(i)),
        "Product",
        (
            "Code",
            "Product",
            "Product code",
            "Producer",
            "Commune or ward",
            "Kind",
            "Status",
            "Submitted at",
            "Deadline",
            "Overdue",
            "Round",
        ),
    ),
    Case(
        "evaluation:dossier_inbox",
        "commune",
        lambda cast, ctx, i: _dossier(
            cast,
            ctx,
            marker(i),
            status=DossierStatus.SUBMITTED,
            submitted_at=timezone.now(),
            due_on=timezone.localdate() + dt.timedelta(days=5),
        ),
        "Product",
        (
            "Code",
            "Product",
            "Product code",
            "Producer",
            "Commune or ward",
            "Kind",
            "Status",
            "Submitted at",
            "Deadline",
            "Overdue",
            "Round",
        ),
    ),
    Case(
        "evaluation:decisions",
        "office",
        lambda cast, ctx, i: Decision.objects.create(
            round=ctx["round"], level=Level.PROVINCE, title=marker(i), drafted_by=cast.office
        ),
        "Title",
        (
            "Code",
            "Decision number",
            "Title",
            "Round",
            "Level",
            "Status",
            "Signed on",
            "Replaces",
            "Drafted by",
            "Approved by",
            "Approved at",
        ),
        prepare=lambda cast, ctx: ctx.update(round=_round(ctx)),
    ),
    Case(
        "evaluation:outbox",
        "office",
        lambda cast, ctx, i: OutboxMessage.objects.create(
            to_email=f"chu-the-{i}@example.vn",
            subject=marker(i),
            body="Kết quả đánh giá.",
            kind="result",
            needs_review=True,
        ),
        "Subject",
        ("To", "Subject", "Created at", "Text"),
    ),
    Case(
        "evaluation:rounds",
        "office",
        lambda cast, ctx, i: _round(ctx, name=marker(i), year=2000 + i),
        "Round",
        (
            "Code",
            "Round",
            "Year",
            "Round number",
            "Level",
            "Criteria set",
            "Dossiers proposed by",
            "Evaluated by",
            "Status",
            "Dossiers",
            "Sessions",
        ),
    ),
    Case(
        "results:round",
        None,
        _recognised,
        "Product",
        (
            "Product",
            "Product code",
            "Producer",
            "Commune or ward",
            "Product group",
            "Product group name",
            "Criteria set",
            "Mean score",
            "Stars",
            "Decision",
            "Signed on",
        ),
        prepare=_published_round,
        kwargs=lambda ctx: {"code": ctx["round"].code},
    ),
    Case(
        "geo:units",
        None,
        lambda cast, ctx, i: CommuneFactory(name=marker(i)),
        "Name",
        (
            "Name",
            "Code",
            "Level",
            "Kind",
            "Belongs to",
            "Code of the unit above",
            "Valid from",
            "Valid until",
            "Confirmed",
        ),
    ),
    Case(
        "producers:list",
        "office",
        lambda cast, ctx, i: ProducerFactory(name=marker(i), commune=cast.commune_a),
        "Name",
        (
            "Code",
            "Name",
            "Kind",
            "Commune or ward",
            "Address",
            "Tax code (MST)",
            "Registration number",
            "Legal representative",
            "Phone",
            "E-mail",
            "Total workers",
            "Local workers",
            "Status",
            "Approved at",
        ),
    ),
    Case(
        "products:list",
        "producer1",
        lambda cast, ctx, i: ProductFactory(producer=cast.prod1, name=marker(i)),
        "Name",
        (
            "Code",
            "Name",
            "Producer",
            "Producer code",
            "Classification",
            "Product group",
            "GTIN (barcode)",
            "Producer's own code",
            "Status",
            "Photos",
            "Registered on",
        ),
    ),
    Case(
        "traceability:batches",
        "producer1",
        lambda cast, ctx, i: BatchFactory(product=cast.product1, lot=f"XK-{i:03d}"),
        "Lot number",
        (
            "Code",
            "Lot number",
            "Product",
            "GTIN (barcode)",
            "Producer",
            "Place",
            "Production date",
            "Expiry date",
            "Quantity",
            "Unit",
            "Stamps",
            "Active stamps",
            "Status",
        ),
        text=lambda i: f"XK-{i:03d}",
    ),
    Case(
        "traceability:locations",
        "producer1",
        lambda cast, ctx, i: LocationFactory(producer=cast.prod1, name=marker(i)),
        "Name",
        ("Code", "Name", "Kind", "Producer", "Address", "Commune or ward", "GLN", "In use"),
    ),
    Case(
        "traceability:stamps",
        "producer1",
        lambda cast, ctx, i: StampFactory(batch=ctx["batch"], serial=f"XK{i:06d}"),
        "Serial",
        (
            "Short code",
            "Serial",
            "Digital Link",
            "Status",
            "Issued at",
            "Scans",
            "First scanned",
        ),
        prepare=_batch,
        kwargs=lambda ctx: {"code": ctx["batch"].code},
        text=lambda i: f"XK{i:06d}",
    ),
    Case(
        "scans:statistics",
        "office",
        _scan,
        "Product",
        (
            "Product",
            "Product code",
            "GTIN (barcode)",
            "Producer",
            "Scans",
            "Stamps scanned",
            "With a warning",
            "Last scan",
        ),
    ),
    Case(
        "trade:home",
        "office",
        lambda cast, ctx, i: DemandFactory(title=marker(i)),
        "Demand",
        (
            "Code",
            "Demand",
            "Buyer",
            "Product group",
            "Keywords",
            "Quantity",
            "Unit",
            "From",
            "Until",
            "Least stars",
            "Status",
            "Posted on",
        ),
    ),
    Case(
        "trade:buyers",
        "office",
        lambda cast, ctx, i: BuyerFactory(name=marker(i)),
        "Name",
        (
            "Code",
            "Name",
            "Kind",
            "Tax code (MST)",
            "Address",
            "Commune",
            "Contact person",
            "Phone",
            "E-mail",
            "Registered on",
            "Status",
        ),
    ),
    Case(
        "trade:demands",
        "office",
        lambda cast, ctx, i: DemandFactory(title=marker(i)),
        "Demand",
        (
            "Code",
            "Demand",
            "Buyer",
            "Product group",
            "Keywords",
            "Quantity",
            "Unit",
            "From",
            "Until",
            "Least stars",
            "Status",
            "Posted on",
        ),
    ),
    Case(
        "trade:offers",
        "producer1",
        lambda cast, ctx, i: OfferFactory(
            product=ProductFactory(producer=cast.prod1, name=marker(i))
        ),
        "Product",
        (
            "Code",
            "Product",
            "Product code",
            "Producer",
            "Commune or ward",
            "In the OCOP catalogue",
            "Capacity per month",
            "Unit",
            "Season (months)",
            "Lowest price (VND)",
            "Highest price (VND)",
            "Status",
            "Posted on",
        ),
    ),
    Case(
        "trade:connections",
        "office",
        lambda cast, ctx, i: ConnectionFactory(
            product=ProductFactory(producer=cast.prod1, name=marker(i))
        ),
        "Product",
        (
            "Connection",
            "Buyer",
            "Producer",
            "Producer's commune",
            "Product",
            "Demand",
            "Offer",
            "Sent on",
            "Status",
            "Status changed at",
        ),
    ),
    Case(
        "points:manage",
        "office",
        lambda cast, ctx, i: PointOfSaleFactory(name=marker(i), commune=cast.commune_a),
        "Name",
        (
            "Code",
            "Name",
            "Kind",
            "Address",
            "Commune or ward",
            "Run by",
            "Opening hours",
            "Phone",
            "OCOP products",
            "Status",
        ),
    ),
    Case(
        "points:directory",
        None,
        lambda cast, ctx, i: PointOfSaleFactory(name=marker(i), commune=cast.commune_a),
        "Name",
        (
            "Code",
            "Name",
            "Kind",
            "Address",
            "Commune or ward",
            "Opening hours",
            "Phone",
            "E-mail",
            "From",
            "Until",
            "OCOP products",
        ),
    ),
    Case(
        "reports:ranked",
        "office",
        _ranked,
        "Product",
        (
            "Product code",
            "Product",
            "Producer",
            "Commune",
            "District",
            "Product group",
            "Product group name",
            "Mean score",
            "Class",
            "Decision number",
            "Signed on",
        ),
        prepare=_report_world,
    ),
    Case(
        "reports:plans",
        "office",
        lambda cast, ctx, i: PlanFactory(year=2019, unit=CommuneFactory(name=marker(i))),
        "Administrative unit",
        (
            "Year",
            "Unit code",
            "Administrative unit",
            "Products target",
            "Ranked",
            "Achievement (%)",
            "3★ target",
            "3★ ranked",
            "4★ target",
            "4★ ranked",
            "5★ target",
            "5★ ranked",
            "Potential 5★",
        ),
    ),
    Case(
        "reports:courses",
        "office",
        lambda cast, ctx, i: TrainingCourseFactory(title=marker(i)),
        "Title",
        (
            "Code",
            "Title",
            "Year",
            "Audience",
            "Organiser",
            "Administrative unit",
            "Status",
            "Sessions",
            "Participants",
            "Attended",
        ),
    ),
    Case(
        "reports:imports",
        "office",
        lambda cast, ctx, i: _upload(cast, i),
        "File",
        (
            "Code",
            "What is imported",
            "File",
            "Status",
            "Rows",
            "Problems",
            "Created",
            "Uploaded by",
            "Uploaded",
        ),
        text=lambda i: f"{marker(i)}.xlsx",
    ),
    Case(
        "reports:import",
        "office",
        _import_problem,
        "Problem",
        ("Row", "Column", "Field", "Problem"),
        prepare=_failed_import,
        kwargs=lambda ctx: {"code": ctx["job"].code},
        link_text="Download the problems (XLSX)",
    ),
]

# Views that page their rows but have no XLSX export here, and why. (The public catalogue,
# `catalog:list`, pages in its search module and has its open data, CSV and JSON.)
NOT_EXPORTED = {
    "verify:register": "the public certificate register has its open data (CSV and JSON)",
    "news:list": "the public news (RSS and Atom feeds); the office exports news:manage",
    "points:detail": "a point's page: the products it carries",
    "evaluation:decision_create": "the decision list shown again with the form's errors (POST)",
}


# --- helpers ---------------------------------------------------------------------------------


def english(user: Any = None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def build(case: Case, cast: Any, rows: int, ctx: dict[str, Any] | None = None) -> dict[str, Any]:
    ctx = {} if ctx is None else ctx
    if case.prepare is not None and not ctx:
        case.prepare(cast, ctx)
        ctx["_prepared"] = True
    start = ctx.get("_rows", 0)
    for index in range(start, start + rows):
        case.add(cast, ctx, index)
    ctx["_rows"] = start + rows
    return ctx


def list_url(case: Case, ctx: dict[str, Any]) -> str:
    return reverse(case.url_name, kwargs=case.kwargs(ctx))


def download(client: Client, path: str, params: dict[str, str] | None = None) -> Any:
    response = client.get(path, {**(params or {}), "format": "xlsx"})
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def column_values(sheet: Any, heading: str) -> list[Any]:
    headings = [cell.value for cell in sheet[1]]
    index = headings.index(heading)
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]


def user_of(case: Case, cast: Any) -> Any:
    return getattr(cast, case.role) if case.role else None


# --- every list ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", REGISTRY, ids=str)
def test_the_export_has_the_headings_and_the_rows(case, cast):
    ctx = build(case, cast, 3)
    book = download(english(user_of(case, cast)), list_url(case, ctx))
    sheet = book.worksheets[case.sheet]
    assert tuple(cell.value for cell in sheet[1]) == case.headings
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    values = column_values(sheet, case.column)
    assert {case.text(i) for i in range(3)} <= set(values)


@pytest.mark.parametrize("case", REGISTRY, ids=str)
def test_the_export_makes_the_same_number_of_queries_for_3_or_30_rows(case, cast):
    client = english(user_of(case, cast))
    ctx = build(case, cast, 3)
    path = list_url(case, ctx)
    client.get(path, {"format": "xlsx"})  # warm the per-process caches (content types …)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            book = download(client, path)
        values = column_values(book.worksheets[case.sheet], case.column)
        return len(captured), sum(1 for value in values if value in texts)

    texts = {case.text(i) for i in range(30)}
    few, few_rows = count()
    build(case, cast, 27, ctx)
    many, many_rows = count()
    assert (few_rows, many_rows) == (3, 30)
    assert many == few


@pytest.mark.parametrize("case", REGISTRY, ids=str)
def test_the_page_links_to_its_export_keeping_the_query(case, cast):
    ctx = build(case, cast, 1)
    client = english(user_of(case, cast))
    path = list_url(case, ctx)
    page = client.get(path, {"sort": "name", "q": "trà sen", "page": "1"})
    assert page.status_code == 200
    links = [
        html.unescape(href)
        for href in re.findall(r'href="([^"]*format=xlsx[^"]*)"', page.content.decode())
    ]
    assert len(links) == 1, links
    link = links[0]
    assert link.startswith("?")
    assert "sort=name" in link and "q=tr%C3%A0+sen" in link
    assert "page=" not in link
    assert case.link_text in page.content.decode()


def test_the_export_is_refused_to_those_who_may_not_see_the_list(cast):
    refusals = {
        "news:manage": "producer1",
        "producers:list": "buyer",
        "evaluation:decisions": "producer1",
        "evaluation:outbox": "commune",
        "evaluation:dossier_inbox": "office",
        "trade:buyers": "producer1",
        "points:manage": "producer1",
        "certificates:list": "buyer",
        "traceability:batches": "buyer",
        "scans:statistics": "buyer",
        "reports:ranked": "producer1",
        "reports:plans": "producer1",
        "reports:courses": "buyer",
        "reports:imports": "commune",
    }
    for name, role in refusals.items():
        response = english(getattr(cast, role)).get(reverse(name), {"format": "xlsx"})
        assert response.status_code in (302, 404), (name, role, response.status_code)
        assert response.get("Content-Type") != XLSX_CONTENT_TYPE


def test_a_visitor_is_sent_to_sign_in():
    response = Client().get(reverse("products:list"), {"format": "xlsx"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- the export is the list: search, filters, sort, every page -------------------------------


def test_the_export_follows_the_search_the_filters_and_the_sort_on_every_page(cast):
    for index in range(30):
        ProductFactory(producer=cast.prod1, name=marker(index))
    client = english(cast.office)
    path = reverse("products:list")

    names = column_values(download(client, path, {"q": "xuat khau"}).active, "Name")
    assert names == [marker(i) for i in range(30)]  # 30 rows: more than a page (25)

    names = column_values(download(client, path, {"q": "thử 007"}).active, "Name")
    assert names == [marker(7)]

    newest = column_values(
        download(client, path, {"q": "xuat khau", "sort": "newest"}).active, "Name"
    )
    assert newest == [marker(i) for i in reversed(range(30))]

    codes = column_values(download(client, path, {"producer": cast.prod2.code}).active, "Code")
    assert codes == [cast.product2.code]


def test_the_export_writes_types_and_dates(cast):
    producer = ProducerFactory(
        name='=HYPERLINK("http://evil.example")',
        commune=cast.commune_a,
        tax_code="0100109106",
        workforce_total=1803,
        workforce_local=1200,
    )
    book = download(english(cast.office), reverse("producers:list"), {"q": producer.tax_code})
    sheet = book.active
    row = {heading.value: cell for heading, cell in zip(sheet[1], sheet[2], strict=True)}
    assert row["Name"].value == producer.name
    assert row["Name"].data_type == "s" and row["Name"].quotePrefix is True
    assert (row["Tax code (MST)"].value, row["Tax code (MST)"].data_type) == ("0100109106", "s")
    assert (row["Total workers"].value, row["Total workers"].data_type) == (1803, "n")
    assert row["Commune or ward"].value == "Xã Bát Tràng"

    certificate = CertificateFactory(product=cast.product1, issued_on=dt.date(2026, 6, 15))
    sheet = download(english(cast.office), reverse("certificates:list")).active
    row = {heading.value: cell for heading, cell in zip(sheet[1], sheet[2], strict=True)}
    assert row["Certificate number"].value == certificate.number
    assert row["Issued on"].value == dt.datetime.combine(dt.date(2026, 6, 15), dt.time())
    assert row["Issued on"].number_format == "dd/mm/yyyy"
    assert row["Mean score"].value == 78.5
    assert row["State"].value == "valid"


def test_the_headings_are_vietnamese_by_default(cast):
    """Without a language chosen the page is Vietnamese: the headings go through the same
    translations (a heading the catalogue has not translated yet stays its msgid)."""
    from django.utils import translation

    client = Client()
    client.force_login(cast.office)
    response = client.get(reverse("producers:list"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    with translation.override("vi"):
        expected = translation.gettext("Name")
    assert sheet["B1"].value == expected


def test_the_offers_export_says_which_products_are_in_the_catalogue(cast):
    from tests.factories.catalog import listed_product

    listed = listed_product(producer=cast.prod1, name="Sản phẩm đã công nhận")
    OfferFactory(product=listed.product)
    OfferFactory(product=cast.product1)
    sheet = download(english(cast.producer1), reverse("trade:offers")).active
    flags = dict(
        zip(
            column_values(sheet, "Product"),
            column_values(sheet, "In the OCOP catalogue"),
            strict=True,
        )
    )
    assert flags == {"Sản phẩm đã công nhận": "yes", cast.product1.name: "no"}


def test_the_scan_statistics_are_one_sheet_per_table(cast):
    _scan(cast, {}, 0)
    book = download(english(cast.office), reverse("scans:statistics"))
    assert book.sheetnames == ["By product", "By batch", "By commune of the producer", "Warnings"]
    assert column_values(book["By commune of the producer"], "Scans") == [1]


def _rows(sheet: Any) -> list[dict[str, Any]]:
    headings = [cell.value for cell in sheet[1]]
    return [
        dict(zip(headings, values, strict=True))
        for values in sheet.iter_rows(min_row=2, values_only=True)
    ]


def test_the_ranked_export_writes_the_class_the_score_and_the_decision(cast, monkeypatch):
    year = _this_year()
    world = ReportWorld.build(cast)
    four = world.product(name="Gốm men rạn")
    decision = world.decide(
        [(world.evaluate(four, year=year, mean="81.25"), 4)], year=year, number="12/QĐ-UBND"
    )
    potential = world.product(producer=cast.prod2, name="Trà sen ướp tiềm năng")
    world.rank(potential, "proposed", year=year, mean="92.00")
    client = english(cast.office)
    path = reverse("reports:ranked")

    rows = {row["Product"]: row for row in _rows(download(client, path).active)}
    assert set(rows) == {"Gốm men rạn", "Trà sen ướp tiềm năng"}
    row = rows["Gốm men rạn"]
    assert row["Product code"] == four.code
    assert row["Producer"] == cast.prod1.name
    assert row["Commune"] == cast.commune_a.name
    assert row["Mean score"] == 81.25
    assert row["Class"] == "4★"
    assert row["Decision number"] == "12/QĐ-UBND"
    assert row["Signed on"] == dt.datetime.combine(decision.signed_on, dt.time())
    assert rows["Trà sen ướp tiềm năng"]["Class"] == "potential 5★"

    # The same filters as the page: one class, another year, a commune officer's communes.
    only = _rows(download(client, path, {"stars": "potential_5"}).active)
    assert [row["Product"] for row in only] == ["Trà sen ướp tiềm năng"]
    assert _rows(download(client, path, {"year": str(year - 1)}).active) == []
    mine = _rows(download(english(cast.commune), path).active)
    assert [row["Product"] for row in mine] == ["Gốm men rạn"]

    # Read a chunk at a time: every row, in the page's order, whatever the chunk.
    monkeypatch.setattr("ocop.reports.views.dashboard.CHUNK_SIZE", 1)
    names = column_values(download(client, path).active, "Product")
    assert names == ["Gốm men rạn", "Trà sen ướp tiềm năng"]


def test_the_course_export_counts_sessions_participants_and_attendance(cast):
    course = TrainingCourseFactory(title="Tập huấn bao bì", year=2019)
    first, second = TrainingSessionFactory(course=course), TrainingSessionFactory(course=course)
    people = [TrainingParticipantFactory(course=course) for _ in range(3)]
    TrainingAttendanceFactory(session=first, participant=people[0])
    TrainingAttendanceFactory(session=second, participant=people[0])  # counted once
    TrainingAttendanceFactory(session=first, participant=people[1])
    TrainingAttendanceFactory(session=first, participant=people[2], present=False)
    TrainingCourseFactory(title="Khóa năm khác", year=2020)

    sheet = download(english(cast.office), reverse("reports:courses"), {"year": "2019"}).active
    [row] = _rows(sheet)
    assert (row["Code"], row["Title"], row["Year"]) == (course.code, "Tập huấn bao bì", 2019)
    assert (row["Sessions"], row["Participants"], row["Attended"]) == (2, 3, 2)
    assert row["Audience"] == course.get_audience_display()


def test_the_plan_export_has_the_achievement_of_each_plan(cast):
    year = _this_year()
    world = ReportWorld.build(cast)
    for index in range(3):
        world.rank(world.product(name=f"Sản phẩm {index}"), 4, year=year)
    PlanFactory(
        year=year, unit=cast.commune_a, products_target=2, stars_3_target=0, stars_4_target=2
    )
    PlanFactory(year=year - 1, unit=cast.commune_a, products_target=5)

    sheet = download(english(cast.office), reverse("reports:plans"), {"year": str(year)}).active
    assert sheet.title == f"Plans of {year}"
    [row] = _rows(sheet)
    assert (row["Year"], row["Unit code"]) == (year, cast.commune_a.code)
    assert (row["Products target"], row["Ranked"], row["Achievement (%)"]) == (2, 3, 150)
    assert (row["4★ target"], row["4★ ranked"], row["3★ ranked"], row["Potential 5★"]) == (
        2,
        3,
        0,
        0,
    )


# --- a producer's export holds only their own rows -------------------------------------------


def _texts(book: Any) -> set[str]:
    return {
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }


def test_producer_b_cannot_get_producer_a_rows_through_the_exports(cast):
    a_product = ProductFactory(producer=cast.prod1, name="Sản phẩm riêng của A")
    b_product = ProductFactory(producer=cast.prod2, name="Sản phẩm riêng của B")
    ctx: dict[str, Any] = {}
    _dossier(cast, ctx, "Hồ sơ riêng của A")
    _dossier(cast, ctx, "Hồ sơ riêng của B", producer=cast.prod2)
    BatchFactory(product=a_product, lot="LO-CUA-A")
    BatchFactory(product=b_product, lot="LO-CUA-B")
    CertificateFactory(product=a_product)
    CertificateFactory(product=b_product)
    OfferFactory(product=a_product)
    OfferFactory(product=b_product)
    ConnectionFactory(product=a_product)
    ConnectionFactory(product=b_product)
    LocationFactory(producer=cast.prod1, name="Xưởng của A")
    LocationFactory(producer=cast.prod2, name="Xưởng của B")
    Scan.objects.create(product=a_product, scanned_at=timezone.now())
    Scan.objects.create(product=b_product, scanned_at=timezone.now())
    client = english(cast.producer2)
    lists = {
        "products:list": ("Sản phẩm riêng của B", "Sản phẩm riêng của A"),
        "evaluation:dossiers": ("Hồ sơ riêng của B", "Hồ sơ riêng của A"),
        "traceability:batches": ("LO-CUA-B", "LO-CUA-A"),
        "traceability:locations": ("Xưởng của B", "Xưởng của A"),
        "certificates:list": ("Sản phẩm riêng của B", "Sản phẩm riêng của A"),
        "trade:offers": ("Sản phẩm riêng của B", "Sản phẩm riêng của A"),
        "trade:connections": ("Sản phẩm riêng của B", "Sản phẩm riêng của A"),
        "scans:statistics": ("Sản phẩm riêng của B", "Sản phẩm riêng của A"),
    }
    for name, (own, other) in lists.items():
        texts = _texts(download(client, reverse(name)))
        assert own in texts, name
        assert other not in texts, name
        assert cast.prod1.name not in texts, name
        # Asking for A's rows by a filter gets nothing of A either.
        filtered = _texts(
            download(client, reverse(name), {"producer": cast.prod1.code, "q": other})
        )
        assert other not in filtered, name


def test_producer_b_cannot_export_the_stamps_of_producer_a_batch(cast):
    batch = BatchFactory(product=cast.product1)
    StampFactory(batch=batch)
    path = reverse("traceability:stamps", kwargs={"code": batch.code})
    assert english(cast.producer2).get(path, {"format": "xlsx"}).status_code == 404
    assert english(cast.producer1).get(path, {"format": "xlsx"}).status_code == 200


def test_a_commune_officer_exports_only_their_commune_dossiers(cast):
    ctx: dict[str, Any] = {}
    _dossier(cast, ctx, "Hồ sơ xã A")
    _dossier(cast, ctx, "Hồ sơ xã B", producer=cast.prod2)
    texts = _texts(download(english(cast.commune), reverse("evaluation:dossiers")))
    assert "Hồ sơ xã A" in texts
    assert "Hồ sơ xã B" not in texts


# --- no list is forgotten --------------------------------------------------------------------


def _views(patterns: list[Any], namespace: str = "") -> list[tuple[str, Any]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            found += _views(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            found.append((name, entry.callback))
    return found


def _pages_rows(callback: Any) -> bool:
    try:
        source = inspect.getsource(inspect.unwrap(callback))
    except (TypeError, OSError):
        return False
    return "list_state(" in source or "Paginator(" in source


def test_every_list_view_is_in_the_registry():
    registered = {case.url_name for case in REGISTRY}
    lists = {
        name for name, callback in _views(get_resolver().url_patterns) if _pages_rows(callback)
    }
    missing = lists - registered - set(NOT_EXPORTED)
    assert missing == set(), f"List pages without an XLSX export: {sorted(missing)}"
    # An excuse for a view that no longer pages its rows is dropped.
    stale = set(NOT_EXPORTED) - lists
    assert stale == set()


def test_every_registered_list_answers_with_its_export_code_path():
    """Each registered URL's view calls `wants_xlsx` (the registry cannot name a list whose
    export was removed)."""
    callbacks = dict(_views(get_resolver().url_patterns))
    for case in REGISTRY:
        source = inspect.getsource(inspect.unwrap(callbacks[case.url_name]))
        assert "wants_xlsx(request)" in source, case.url_name

"""The yearly report's figures (`ocop.reports.queries.yearly`), exact on a built world, and its
two files: the XLSX read back with openpyxl, the PDF read back with pypdf.

The world (`build_world`): Hà Nội in 2019 with two old districts, three old communes, three
producers and the city's decisions of the 2019 cycle, one signed on 10/12/2019 and one on
05/06/2020 (the same cycle, decided the next year), a 2020 decision and a draft that never count
in 2019, and a plan of 6 products for 2019:

| product                    | producer (kind)      | old commune, district   | 10/12/2019   | 05/06/2020 |
|----------------------------|----------------------|-------------------------|--------------|------------|
| Mật ong hoa nhãn Đông Anh  | HTX (cooperative)    | Vân Nội, Đông Anh       | 4★ 82,50     |            |
| Gạo nếp cái hoa vàng       | HTX (cooperative)    | Vân Nội, Đông Anh       | 3★ 62,25     | 4★ 75,00   |
| Rượu nếp Kim Lan           | Công ty (enterprise) | Kim Lan, Gia Lâm        | proposed 91,20 |          |
| Dưa lê (not ranked)        | Hộ (household)       | Bát Tràng, Gia Lâm      | 2★ 45,00     |            |
| Bánh chưng Tranh Khúc      | Hộ (household)       | Bát Tràng, Gia Lâm      |              | 3★ 55,75   |
| Trà sen Quảng An           | Công ty (enterprise) | Kim Lan, Gia Lâm        |              | 4★ 78,00   |

As of 31/12/2019: 3 ranked (potential 5★ 1, 4★ 1, 3★ 1), 2 producers, 80 workers, 50,0% of the
plan. As of today: 5 ranked (potential 5★ 1, 4★ 3, 3★ 1), 3 producers, 85 workers, 83,3%.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.rules import access_for
from ocop.criteria.enums import ClassificationLevel
from ocop.criteria.models import ClassificationNode
from ocop.evaluation.enums import DecisionStatus, DossierStatus, Level, SessionStatus
from ocop.evaluation.models import (
    Council,
    Decision,
    DecisionItem,
    Dossier,
    Round,
    Session,
    SessionDossier,
)
from ocop.producers.enums import ProducerKind
from ocop.reports.models import Plan
from ocop.reports.queries.summary import Scope, summary
from ocop.reports.queries.yearly import yearly_report
from ocop.reports.writers import report_filename
from ocop.reports.writers.pdf_report import yearly_pdf
from ocop.reports.writers.xlsx_report import HEADER_ROW, yearly_xlsx
from tests.factories.accounts import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.criteria import CriteriaSetFactory, ScorecardFactory
from tests.factories.geo import (
    CommuneFactory,
    DistrictFactory,
    OldCommuneFactory,
    ProvinceFactory,
)
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory

DECIDED_2019 = dt.date(2019, 12, 10)
DECIDED_2020 = dt.date(2020, 6, 5)
END_2019 = dt.date(2019, 12, 31)


def vi(msgid: str, context: str = "") -> str:
    """The Vietnamese of a msgid (the msgid itself until the catalogue translates it)."""
    with translation.override("vi"):
        if context:
            return str(translation.pgettext(context, msgid))
        return str(translation.gettext(msgid))


# --- the world --------------------------------------------------------------------------------


@dataclass
class World:
    province: Any
    districts: dict[str, Any]
    communes: dict[str, Any]
    producers: dict[str, Any]
    products: dict[str, Any] = field(default_factory=dict)
    decisions: dict[str, Any] = field(default_factory=dict)
    rounds: dict[int, Any] = field(default_factory=dict)
    nodes: dict[str, Any] = field(default_factory=dict)
    criteria_set: Any = None
    scorecard: Any = None
    council: Any = None
    drafter: Any = None
    sessions: dict[int, Any] = field(default_factory=dict)


def classification(criteria_set: Any) -> dict[str, Any]:
    def node(code: str, level: str, name: str, parent: Any = None) -> Any:
        return ClassificationNode.objects.create(
            criteria_set=criteria_set, code=code, level=level, name=name, parent=parent
        )

    food = node("1", ClassificationLevel.CATEGORY, "Thực phẩm")
    fresh = node("1.1", ClassificationLevel.GROUP, "Nông sản tươi sống", food)
    drinks = node("2", ClassificationLevel.CATEGORY, "Đồ uống")
    return {
        "food": food,
        "fresh": fresh,
        "fruit": node("1.1.1", ClassificationLevel.SUBGROUP, "Rau, củ, quả, hạt tươi", fresh),
        "drinks": drinks,
        "spirits": node("2.1", ClassificationLevel.GROUP, "Đồ uống có cồn", drinks),
        "tea": node("2.2", ClassificationLevel.GROUP, "Chè và các sản phẩm từ chè", drinks),
    }


def round_of(world: World, year: int) -> Any:
    if year not in world.rounds:
        world.rounds[year] = Round.objects.create(
            name=f"Đợt đánh giá năm {year}",
            year=year,
            number=1,
            level=Level.PROVINCE,
            criteria_set=world.criteria_set,
            status="closed",
        )
        world.sessions[year] = Session.objects.create(
            council=world.council,
            round=world.rounds[year],
            held_on=dt.date(year, 11, 20),
            status=SessionStatus.CLOSED,
        )
    return world.rounds[year]


def decision(world: World, key: str, year: int, number: str) -> Decision:
    found = Decision.objects.create(
        round=round_of(world, year),
        number=number,
        title=f"Quyết định {number}",
        drafted_by=world.drafter,
    )
    world.decisions[key] = found
    return found


def item(
    world: World,
    decision_: Decision,
    product: Any,
    commune: Any,
    *,
    stars: int,
    mean: str,
    recognised: bool = True,
    proposed: bool = False,
) -> DecisionItem:
    """A dossier of `product` lodged in `commune`, scored in the round's session and put in the
    decision (the decision must still be a draft)."""
    dossier = Dossier.objects.create(
        product=product,
        producer=product.producer,
        commune=commune,
        criteria_set=world.criteria_set,
        scorecard=world.scorecard,
        procedure_profile=world.criteria_set.procedure_profile,
        status=DossierStatus.SCORED,
        level=Level.PROVINCE,
        round=decision_.round,
    )
    agenda = SessionDossier.objects.create(
        session=world.sessions[decision_.round.year],
        dossier=dossier,
        result={"mean_total": mean, "stars": stars},
        mean_total=Decimal(mean),
        stars=stars,
        band_stars=stars,
    )
    return DecisionItem.objects.create(
        decision=decision_,
        dossier=dossier,
        agenda_item=agenda,
        recognised=recognised,
        stars=stars,
        mean_total=Decimal(mean),
        proposed_central=proposed,
    )


def approve(decision_: Decision, signed_on: dt.date) -> None:
    Decision.objects.filter(pk=decision_.pk).update(
        status=DecisionStatus.APPROVED, signed_on=signed_on
    )


def base_world() -> World:
    province = ProvinceFactory()
    dong_anh = DistrictFactory(code="017", name="Huyện Đông Anh", parent=province)
    gia_lam = DistrictFactory(code="018", name="Huyện Gia Lâm", parent=province)
    communes = {
        "van_noi": OldCommuneFactory(code="00460", name="Xã Vân Nội", parent=dong_anh),
        "bat_trang": OldCommuneFactory(code="00619", name="Xã Bát Tràng", parent=gia_lam),
        "kim_lan": OldCommuneFactory(code="00622", name="Xã Kim Lan", parent=gia_lam),
        "phuc_thinh": CommuneFactory(code="00445", name="Xã Phúc Thịnh", parent=province),
        "gia_lam_new": CommuneFactory(code="00600", name="Xã Gia Lâm", parent=province),
    }
    producers = {
        "htx": ProducerFactory(
            name="Hợp tác xã Nông nghiệp Vân Nội",
            kind=ProducerKind.COOPERATIVE,
            commune=communes["phuc_thinh"],
            workforce_total=30,
            workforce_local=20,
        ),
        "company": ProducerFactory(
            name="Công ty TNHH Rượu Kim Lan",
            kind=ProducerKind.ENTERPRISE,
            commune=communes["gia_lam_new"],
            workforce_total=50,
            workforce_local=40,
        ),
        "household": ProducerFactory(
            name="Hộ kinh doanh Nguyễn Văn Đức",
            kind=ProducerKind.HOUSEHOLD,
            commune=communes["gia_lam_new"],
            workforce_total=5,
            workforce_local=5,
        ),
    }
    criteria_set = CriteriaSetFactory(procedure_profile="qd1048-2019-three-level")
    world = World(
        province=province,
        districts={"dong_anh": dong_anh, "gia_lam": gia_lam},
        communes=communes,
        producers=producers,
        criteria_set=criteria_set,
        scorecard=ScorecardFactory(criteria_set=criteria_set),
        council=Council.objects.create(name="Hội đồng OCOP thành phố Hà Nội"),
        drafter=UserFactory(),
    )
    world.nodes = classification(criteria_set)
    return world


def build_world() -> World:
    world = base_world()
    c, p, n = world.communes, world.producers, world.nodes

    def product(key: str, name: str, producer: str, node: str | None) -> Any:
        world.products[key] = ProductFactory(
            name=name, producer=p[producer], classification=n[node] if node else None
        )
        return world.products[key]

    honey = product("honey", "Mật ong hoa nhãn Đông Anh", "htx", "fruit")
    rice = product("rice", "Gạo nếp cái hoa vàng", "htx", "fresh")
    wine = product("wine", "Rượu nếp Kim Lan", "company", "spirits")
    melon = product("melon", "Dưa lê", "household", "fruit")
    cake = product("cake", "Bánh chưng Tranh Khúc", "household", None)
    tea = product("tea", "Trà sen Quảng An", "company", "tea")
    later = product("later", "Miến dong Minh Hồng", "household", "fresh")
    draft_only = product("draft", "Nhãn chín sớm", "htx", "fruit")

    first = decision(world, "first", 2019, "6103/QĐ-UBND")
    item(world, first, honey, c["van_noi"], stars=4, mean="82.50")
    item(world, first, rice, c["van_noi"], stars=3, mean="62.25")
    item(world, first, wine, c["kim_lan"], stars=5, mean="91.20", recognised=False, proposed=True)
    item(world, first, melon, c["bat_trang"], stars=2, mean="45.00", recognised=False)
    approve(first, DECIDED_2019)

    second = Decision.objects.create(
        round=round_of(world, 2019),
        number="2806/QĐ-UBND",
        title="Quyết định 2806/QĐ-UBND",
        drafted_by=world.drafter,
    )
    world.decisions["second"] = second
    # The second item of the rice: the same product, another dossier (an upgrade).
    item(world, second, rice, c["van_noi"], stars=4, mean="75.00")
    item(world, second, cake, c["bat_trang"], stars=3, mean="55.75")
    item(world, second, tea, c["kim_lan"], stars=4, mean="78.00")
    approve(second, DECIDED_2020)

    of_2020 = decision(world, "2020", 2020, "5000/QĐ-UBND")
    item(world, of_2020, later, c["phuc_thinh"], stars=3, mean="60.00")
    approve(of_2020, dt.date(2020, 12, 1))

    draft = decision(world, "draft", 2019, "")
    item(world, draft, draft_only, c["van_noi"], stars=4, mean="80.00")

    Plan.objects.create(year=2019, unit=world.province, products_target=6)
    return world


def office_access() -> Any:
    org = OrganisationFactory(kind=OrganisationKind.PROVINCE_OFFICE, name="Văn phòng OCOP")
    user = MembershipFactory(role=Role.PROVINCE_OFFICER, organisation=org).user
    return access_for(user)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def office(db) -> Any:
    return office_access()


# --- the figures ------------------------------------------------------------------------------


def test_figures_as_of_today_count_the_cycle_decided_the_next_year(world, office):
    report = yearly_report(year=2019, as_of=None, access=office)

    figures = report.summary
    assert figures.products_ranked == 5
    assert figures.stars == {"5": 0, "potential_5": 1, "4": 3, "3": 1}
    assert figures.producers == 3
    assert figures.producers_by_kind == {"cooperative": 1, "enterprise": 1, "household": 1}
    assert figures.workers == 85
    assert figures.plan_target == 6
    assert figures.plan_achievement_percent == Decimal("83.3")
    assert report.province == "Thành phố Hà Nội"
    assert report.evaluated == 7  # every product scored in the 2019 session, the draft's too
    assert report.evaluated_by_level == {"district": 0, "province": 7, "central": 0}
    assert report.rows_are_communes is False


def test_figures_as_of_a_past_day_ignore_the_later_decision(world, office):
    report = yearly_report(year=2019, as_of=END_2019, access=office)

    assert report.summary.products_ranked == 3
    assert report.summary.stars == {"5": 0, "potential_5": 1, "4": 1, "3": 1}
    assert report.summary.producers == 2
    assert report.summary.workers == 80
    assert report.summary.plan_achievement_percent == Decimal("50.0")
    assert [(row.product, row.star_class) for row in report.products] == [
        ("Rượu nếp Kim Lan", "potential_5"),
        ("Mật ong hoa nhãn Đông Anh", "4"),
        ("Gạo nếp cái hoa vàng", "3"),
    ]


def test_a_report_as_of_a_past_day_is_the_same_after_a_later_approval(world, office):
    """Reproducible: a decision of the same cycle approved later (even signed before the day
    the report is asked again) does not change a report made as of an earlier day."""
    before = yearly_report(year=2019, as_of=END_2019, access=office)
    before_xlsx = workbook_values(yearly_xlsx(before))

    late = decision(world, "late", 2019, "7000/QĐ-UBND")
    item(world, late, world.products["draft"], world.communes["van_noi"], stars=4, mean="80.0")
    approve(late, dt.date(2020, 9, 1))

    again = yearly_report(year=2019, as_of=END_2019, access=office)
    assert again.summary == before.summary
    assert again.products == before.products
    assert again.by_unit == before.by_unit
    assert again.by_group == before.by_group
    assert workbook_values(yearly_xlsx(again)) == before_xlsx
    assert yearly_report(year=2019, as_of=None, access=office).summary.products_ranked == 6


def test_a_correction_replaces_the_decision_from_the_day_it_is_signed(world, office):
    fixed = decision(world, "fixed", 2019, "6200/QĐ-UBND")
    fixed.replaces = world.decisions["first"]
    fixed.save()
    item(world, fixed, world.products["honey"], world.communes["van_noi"], stars=3, mean="68.00")
    approve(fixed, dt.date(2020, 1, 15))

    assert yearly_report(year=2019, as_of=END_2019, access=office).summary.stars == {
        "5": 0,
        "potential_5": 1,
        "4": 1,
        "3": 1,
    }
    # From 15/01/2020 the correction counts instead of the first decision: the rice and the wine
    # of the first decision are gone; the honey is 3★.
    after = yearly_report(year=2019, as_of=dt.date(2020, 1, 31), access=office)
    assert [(row.product, row.star_class) for row in after.products] == [
        ("Mật ong hoa nhãn Đông Anh", "3")
    ]


def test_table_by_district_before_2025_and_its_total(world, office):
    report = yearly_report(year=2019, as_of=None, access=office)

    rows = [(row.first, row.second, row.ranked, row.stars) for row in report.by_unit]
    assert rows == [
        ("017", "Huyện Đông Anh", 2, {"5": 0, "potential_5": 0, "4": 2, "3": 0}),
        ("018", "Huyện Gia Lâm", 3, {"5": 0, "potential_5": 1, "4": 1, "3": 1}),
    ]
    assert sum(row.ranked for row in report.by_unit) == report.summary.products_ranked
    assert report.total.stars == report.summary.stars


def test_table_by_product_group(world, office):
    report = yearly_report(year=2019, as_of=None, access=office)

    assert [(row.first, row.second, row.ordered) for row in report.by_group] == [
        ("Thực phẩm", "Nông sản tươi sống", [0, 0, 2, 0]),
        ("Đồ uống", "Chè và các sản phẩm từ chè", [0, 0, 1, 0]),
        ("Đồ uống", "Đồ uống có cồn", [0, 1, 0, 0]),
        ("", "", [0, 0, 0, 1]),
    ]
    assert sum(row.ranked for row in report.by_group) == 5


def test_list_of_ranked_products_one_row_per_product_in_its_highest_class(world, office):
    report = yearly_report(year=2019, as_of=None, access=office)

    rows = [
        (
            row.number,
            row.product,
            row.producer,
            row.producer_kind,
            row.commune,
            row.district,
            row.category,
            row.group,
            row.mean_total,
            row.star_class,
            row.decision_number,
            row.signed_on,
        )
        for row in report.products
    ]
    assert rows == [
        (1, "Rượu nếp Kim Lan", "Công ty TNHH Rượu Kim Lan", "enterprise", "Xã Kim Lan",
         "Huyện Gia Lâm", "Đồ uống", "Đồ uống có cồn", Decimal("91.20"), "potential_5",
         "6103/QĐ-UBND", DECIDED_2019),
        (2, "Mật ong hoa nhãn Đông Anh", "Hợp tác xã Nông nghiệp Vân Nội", "cooperative",
         "Xã Vân Nội", "Huyện Đông Anh", "Thực phẩm", "Nông sản tươi sống", Decimal("82.50"),
         "4", "6103/QĐ-UBND", DECIDED_2019),
        (3, "Trà sen Quảng An", "Công ty TNHH Rượu Kim Lan", "enterprise", "Xã Kim Lan",
         "Huyện Gia Lâm", "Đồ uống", "Chè và các sản phẩm từ chè", Decimal("78.00"), "4",
         "2806/QĐ-UBND", DECIDED_2020),
        (4, "Gạo nếp cái hoa vàng", "Hợp tác xã Nông nghiệp Vân Nội", "cooperative",
         "Xã Vân Nội", "Huyện Đông Anh", "Thực phẩm", "Nông sản tươi sống", Decimal("75.00"),
         "4", "2806/QĐ-UBND", DECIDED_2020),
        (5, "Bánh chưng Tranh Khúc", "Hộ kinh doanh Nguyễn Văn Đức", "household",
         "Xã Bát Tràng", "Huyện Gia Lâm", "", "", Decimal("55.75"), "3", "2806/QĐ-UBND",
         DECIDED_2020),
    ]  # fmt: skip
    rice = report.products[3]
    assert rice.dossier_code == (
        DecisionItem.objects.get(decision=world.decisions["second"], dossier__product__name=rice.product)
        .dossier.code
    )  # fmt: skip


def test_a_district_report_counts_its_old_communes_only(world, office):
    report = yearly_report(year=2019, as_of=None, unit=world.districts["gia_lam"], access=office)

    assert report.summary.products_ranked == 3
    assert report.summary.stars == {"5": 0, "potential_5": 1, "4": 1, "3": 1}
    assert report.summary.plan_target is None
    assert [row.first for row in report.by_unit] == ["018"]
    assert {row.product for row in report.products} == {
        "Rượu nếp Kim Lan",
        "Trà sen Quảng An",
        "Bánh chưng Tranh Khúc",
    }


def test_table_by_commune_from_2025(world, office):
    decided = decision(world, "2026", 2026, "1147/QĐ-UBND")
    item(world, decided, world.products["later"], world.communes["phuc_thinh"], stars=4, mean="80")
    item(world, decided, world.products["tea"], world.communes["gia_lam_new"], stars=3, mean="65")
    item(world, decided, world.products["cake"], world.communes["gia_lam_new"], stars=3, mean="61")
    approve(decided, dt.date(2026, 6, 15))

    report = yearly_report(year=2026, as_of=dt.date(2026, 12, 31), access=office)

    assert report.rows_are_communes is True
    assert [(row.first, row.second, row.ordered) for row in report.by_unit] == [
        ("00445", "Xã Phúc Thịnh", [0, 0, 1, 0]),
        ("00600", "Xã Gia Lâm", [0, 0, 0, 2]),
    ]
    assert report.products[0].district == ""


# --- access -----------------------------------------------------------------------------------


def test_a_commune_officer_gets_their_communes_only(world):
    committee = OrganisationFactory(
        kind=OrganisationKind.COMMUNE_COMMITTEE, name="UBND xã", unit=world.communes["phuc_thinh"]
    )
    officer = access_for(MembershipFactory(role=Role.COMMUNE_OFFICER, organisation=committee).user)
    decided = decision(world, "2026", 2026, "1147/QĐ-UBND")
    item(world, decided, world.products["later"], world.communes["phuc_thinh"], stars=4, mean="80")
    item(world, decided, world.products["tea"], world.communes["gia_lam_new"], stars=3, mean="65")
    approve(decided, dt.date(2026, 6, 15))

    mine = yearly_report(year=2026, as_of=None, access=officer)
    assert [row.product for row in mine.products] == ["Miến dong Minh Hồng"]
    assert mine.summary.products_ranked == 1
    assert mine.limited_to == ["Xã Phúc Thịnh"]
    assert mine.summary.plan_target is None
    own = yearly_report(year=2026, as_of=None, unit=world.communes["phuc_thinh"], access=officer)
    assert own.summary.products_ranked == 1
    with pytest.raises(Http404):
        yearly_report(year=2026, as_of=None, unit=world.communes["gia_lam_new"], access=officer)
    with pytest.raises(Http404):
        yearly_report(year=2019, as_of=None, unit=world.province, access=officer)


@pytest.mark.parametrize("who", ["producer", "buyer", "outsider"])
def test_others_get_no_report(world, cast, who):
    with pytest.raises(Http404):
        yearly_report(
            year=2019, as_of=None, access=getattr(cast, who if who != "producer" else "producer1")
        )


# --- the number of queries --------------------------------------------------------------------


def grow(world: World, count: int, *, producers: int | None = None) -> None:
    """`count` more ranked products in a 2019 decision, each of its own producer (or spread over
    `producers` new producers)."""
    extra = decision(world, f"grow{count}", 2019, f"{count}/QĐ-UBND")
    communes = [world.communes["van_noi"], world.communes["bat_trang"], world.communes["kim_lan"]]
    makers = [
        ProducerFactory(commune=world.communes["phuc_thinh"]) for _ in range(producers or count)
    ]
    for index in range(count):
        product = ProductFactory(
            producer=makers[index % len(makers)], classification=world.nodes["tea"]
        )
        item(world, extra, product, communes[index % 3], stars=3 + index % 2, mean="70")
    approve(extra, DECIDED_2019)


def queries_for(office: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        report = yearly_report(year=2019, as_of=None, access=office)
        yearly_xlsx(report)
    return len(captured.captured_queries)


def test_the_report_makes_the_same_few_queries_for_3_and_30_products(world, office):
    grow(world, 3)
    few = queries_for(office)
    grow(world, 27)
    many = queries_for(office)

    assert few == many == 7
    assert yearly_report(year=2019, as_of=None, access=office).summary.products_ranked == 35


# --- the XLSX ---------------------------------------------------------------------------------


def workbook_values(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_xlsx_sheets_totals_and_a_product_row(world, office):
    report = yearly_report(year=2019, as_of=None, access=office)
    book = load_workbook(io.BytesIO(yearly_xlsx(report)))

    names = [
        vi("Summary", "yearly report sheet"),
        vi("By unit", "yearly report sheet"),
        vi("By group", "yearly report sheet"),
        vi("List of products", "yearly report sheet"),
    ]
    assert book.sheetnames == names
    summary_sheet, units, groups, products = (book[name] for name in names)

    title = summary_sheet["A1"].value
    assert title.startswith("Thành phố Hà Nội")
    assert "2019" in title
    assert summary_sheet["A1"].font.bold
    assert summary_sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    figures = {
        row[0]: row[1] for row in summary_sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    }
    assert figures[vi("Products evaluated and ranked (3★ or more)")] == 5
    assert figures[vi("Producers of the ranked products")] == 3
    assert figures[vi("Workers of these producers")] == 85
    assert figures[vi("Plan: products to evaluate and rank")] == 6
    assert round(figures[vi("Plan achieved")] * 100, 1) == 83.3
    achieved = next(
        row[1]
        for row in summary_sheet.iter_rows(min_row=HEADER_ROW + 1)
        if row[0].value == vi("Plan achieved")
    )
    assert achieved.number_format == "0.0%"

    header = [cell.value for cell in units[HEADER_ROW]]
    assert header[:3] == [vi("No.", "yearly report"), vi("Code"), vi("District")]
    assert all(cell.font.bold for cell in units[HEADER_ROW] if cell.value)
    rows = list(units.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert rows[0] == (1, "017", "Huyện Đông Anh", 2, 0, 0, 2, 0)
    assert rows[1] == (2, "018", "Huyện Gia Lâm", 3, 0, 1, 1, 1)
    assert rows[-1] == (None, vi("Total"), None, 5, 0, 1, 3, 1)
    group_rows = list(groups.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert group_rows[-1] == (None, vi("Total"), None, 5, 0, 1, 3, 1)
    assert group_rows[-2] == (4, vi("Unclassified"), None, 1, 0, 0, 0, 1)

    first = list(products[HEADER_ROW + 1])
    assert [cell.value for cell in first[:9]] == [
        1,
        "Rượu nếp Kim Lan",
        "Công ty TNHH Rượu Kim Lan",
        vi("small or medium enterprise"),
        "Xã Kim Lan",
        "Huyện Gia Lâm",
        "Đồ uống",
        "Đồ uống có cồn",
        91.2,
    ]
    assert first[8].number_format == "0.00"
    assert first[9].value == vi("potential 5★")
    assert first[10].value == "6103/QĐ-UBND"
    assert first[11].value.date() == DECIDED_2019
    assert first[11].number_format == "DD/MM/YYYY"
    assert products.max_row == HEADER_ROW + 5
    assert products.column_dimensions["B"].width == 36


def test_xlsx_in_english(world, office):
    report = yearly_report(year=2019, as_of=END_2019, access=office)
    book = load_workbook(io.BytesIO(yearly_xlsx(report, language="en")))

    assert book.sheetnames == ["Summary", "By unit", "By group", "List of products"]
    assert book["Summary"]["A1"].value == (
        "Thành phố Hà Nội: report on the OCOP programme in 2019 (data as of 31/12/2019)"
    )


def test_filenames(world, office):
    report = yearly_report(year=2019, as_of=END_2019, access=office)
    assert report_filename(report, "xlsx") == "bao-cao-ocop-2019-den-31-12-2019.xlsx"
    district = yearly_report(
        year=2019, as_of=END_2019, unit=world.districts["dong_anh"], access=office
    )
    assert report_filename(district, "pdf") == "bao-cao-ocop-2019-017-den-31-12-2019.pdf"


# --- the PDF ----------------------------------------------------------------------------------


def pdf_text(content: bytes, pages: int | None = None) -> str:
    """The text of the PDF (of its first `pages`), NFC, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages[:pages])
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_pdf_keeps_the_vietnamese_text_and_numbers(world, office):
    report = yearly_report(year=2019, as_of=dt.date(2020, 12, 31), access=office)
    content = yearly_pdf(report)

    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "THÀNH PHỐ HÀ NỘI",
        "Thành phố Hà Nội · " + vi("data as of %(day)s") % {"day": "31/12/2020"},
        "Hà Nội, "
        + vi("day %(day)s month %(month)s year %(year)s")
        % {"day": "31", "month": "12", "year": "2020"},
        "Mật ong hoa nhãn Đông Anh",
        "Rượu nếp Kim Lan",
        "Bánh chưng Tranh Khúc",
        "Hợp tác xã Nông nghiệp Vân Nội",
        "Huyện Đông Anh",
        "Đồ uống có cồn",
        "6103/QĐ-UBND",
        "83,3%",
        "91,20",
        "82,50",
        "10/12/2019",
        # The title is set in capitals (text-transform), as on every state paper.
        (vi("Report on the results of the OCOP programme in %(year)s") % {"year": 2019}).upper(),
        vi("Products evaluated and ranked (3★ or more)"),
    ):
        assert words in text, words


def test_pdf_shows_the_plan_as_hanoi_did_in_2019(world, office):
    """301 ranked of a plan of 300 is "100,3%" on the PDF (Vietnamese decimal comma)."""
    Plan.objects.filter(year=2019).update(products_target=300)
    grow(world, 296, producers=3)

    report = yearly_report(year=2019, as_of=None, access=office)
    assert report.summary.products_ranked == 301
    text = pdf_text(yearly_pdf(report), pages=1)
    assert "100,3%" in text
    assert "301" in text


def test_summary_figures_of_the_report_are_the_summary_query(world, office):
    report = yearly_report(year=2019, as_of=END_2019, access=office)
    assert report.summary.as_json() == summary(Scope(year=2019, as_of=END_2019)).as_json()

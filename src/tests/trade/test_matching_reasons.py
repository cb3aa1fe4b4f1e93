"""Matching a demand (`match_demand`): candidates from the catalogue and the open offers, the
reasons with their points, the hard filter on stars, the ranking, the units and the season, the
neighbouring communes (the same district before 1/7/2025), and a bounded number of queries."""

# ruff: noqa: F811 (the `board` fixture, imported by name)

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from ocop.trade.enums import OfferStatus
from ocop.trade.queries.matching import (
    DAYS_PER_MONTH,
    are_neighbours,
    keyword_phrases,
    match_demand,
    match_product,
    matches_for_producer,
    stored_reasons,
)
from tests.factories.catalog import listed_product
from tests.factories.geo import (
    CommuneFactory,
    DistrictFactory,
    OldCommuneFactory,
    SuccessionFactory,
)
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory
from tests.factories.trade import BuyerFactory, DemandFactory, OfferFactory
from tests.trade.board_setup import CRAFTS, board  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _codes(match, ok=None):
    return [r.code for r in match.reasons if ok is None or r.ok is ok]


def _reason(match, code):
    found = [r for r in match.reasons if r.code == code]
    assert found, f"no reason {code} in {_codes(match)}"
    return found[0]


def _demand(board, **fields):
    values = {"buyer": board.buyer, "keywords": "", "group_code": "", "group_name": ""}
    values.update(fields)
    return DemandFactory(**values)


def test_group_and_keyword_matches_rank_first_with_their_reasons(board):
    other_tea = listed_product(name="Chè Shan tuyết Ba Vì", group=board.tea, stars=3)
    silk = listed_product(name="Khăn lụa tơ tằm", group=("IV.2", "Vải, may mặc"), stars=4)
    demand = _demand(board, group_code="I.5", group_name="Chè", keywords="tra sen")
    matches = match_demand(demand)
    names = [m.product.name for m in matches]
    assert names == ["Trà ướp sen Tây Hồ", "Chè Shan tuyết Ba Vì"]
    assert silk.product.name not in names
    first, second = matches
    assert _codes(first, ok=True) == ["group", "keywords", "certificate", "stars"]
    assert (_reason(first, "group").points, _reason(first, "keywords").points) == (25, 25)
    assert (_reason(first, "certificate").points, _reason(first, "stars").points) == (15, 7)
    assert _reason(first, "no_offer").ok is False
    assert first.score == 72 and first.stars == 4 and first.listed
    assert _reason(second, "keywords").ok is False and second.score == 25 + 15 + 4
    assert other_tea.product == second.product


def test_the_labels_say_why(board):
    demand = _demand(board, group_code="I.5", group_name="Chè", keywords="trà sen", min_stars=3)
    with translation.override("en"):
        labels = [r.label for r in match_demand(demand)[0].reasons]
    until = board.lotus.certificate.expires_on.strftime("%d/%m/%Y")
    assert labels[:4] == [
        "Product group: Chè",
        "Keywords found: trà sen (1/1)",
        f"OCOP certificate in force until {until}",
        "4★ OCOP (at least 3★ asked)",
    ]


@pytest.mark.parametrize("typed", ["tra sen", "TRÀ SEN", "trà sen", "sen", "tr se"])
def test_keywords_ignore_case_and_diacritics_and_match_word_starts(board, typed):
    demand = _demand(board, keywords=typed)
    assert [m.product for m in match_demand(demand)] == [board.lotus.product]


def test_keywords_are_phrases_separated_by_commas_and_score_their_share(board):
    assert keyword_phrases("trà sen, mật ong;  gạo ,, trà sen") == [
        ("trà sen", ["tra", "sen"]),
        ("mật ong", ["mat", "ong"]),
        ("gạo", ["gao"]),
    ]
    demand = _demand(board, keywords="trà sen, mật ong")
    match = match_demand(demand)[0]
    keywords = _reason(match, "keywords")
    assert (keywords.points, keywords.params["found"], keywords.params["total"]) == (
        12,
        ["trà sen"],
        2,
    )


def test_a_word_in_the_middle_of_another_is_not_a_match(board):
    assert match_demand(_demand(board, keywords="en")) == []  # "sen" does not start with "en"


def test_least_stars_is_a_hard_filter_and_an_uncertified_offer_fails_it(board):
    listed_product(name="Trà sen Quảng An loại 3 sao", group=board.tea, stars=3)
    OfferFactory(product=ProductFactory(name="Trà sen túi lọc"))
    loose = _demand(board, keywords="trà sen")
    assert len(match_demand(loose)) == 3
    strict = _demand(board, keywords="trà sen", min_stars=4)
    assert [m.product for m in match_demand(strict)] == [board.lotus.product]


def test_an_uncertified_offer_matches_without_star_points(board):
    offer = OfferFactory(product=ProductFactory(name="Trà sen túi lọc"))
    match = next(m for m in match_demand(_demand(board, keywords="tra sen")) if m.offer)
    assert match.offer == offer and not match.listed and match.stars is None
    assert _reason(match, "certificate").ok is False
    assert _reason(match, "certificate").points == 0
    assert "stars" not in _codes(match)


def test_a_listed_product_with_an_offer_is_one_candidate_scored_with_its_offer(board):
    offer = OfferFactory(product=board.lotus.product, unit="kg", capacity_per_month=1000)
    matches = match_demand(_demand(board, keywords="tra sen"))
    assert len(matches) == 1
    assert matches[0].offer == offer and matches[0].listed
    assert "no_offer" not in _codes(matches[0])


def test_closed_offers_and_offers_of_unapproved_producers_are_not_candidates(board):
    OfferFactory(product=ProductFactory(name="Trà sen A"), status=OfferStatus.CLOSED)
    pending = ProducerFactory(status="pending")
    OfferFactory(product=ProductFactory(name="Trà sen B", producer=pending))
    archived = ProductFactory(name="Trà sen C", status="archived")
    OfferFactory(product=archived)
    assert [m.product for m in match_demand(_demand(board, keywords="tra sen"))] == [
        board.lotus.product
    ]


def test_capacity_covers_the_quantity_or_a_share_of_it(board):
    start = TODAY + dt.timedelta(days=1)
    end = start + dt.timedelta(days=59)  # 60 days
    product = ProductFactory(name="Trà sen túi lọc")
    OfferFactory(product=product, capacity_per_month=Decimal(100), unit="kg")
    demand = _demand(
        board,
        keywords="túi lọc",
        quantity=Decimal(400),
        unit="kg",
        period_start=start,
        period_end=end,
    )
    capacity = _reason(match_demand(demand)[0], "capacity")
    supply = Decimal(100) * Decimal(60) / DAYS_PER_MONTH  # 197.1…
    assert capacity.ok is False
    assert capacity.params["share"] == int(supply / 400 * 100)  # 49 %
    assert capacity.points == round(15 * float(supply / 400))
    with translation.override("en"):
        assert capacity.label == "Capacity of 100 kg a month covers 49 % of the quantity"
    enough = _demand(
        board,
        keywords="túi lọc",
        quantity=Decimal(150),
        unit="kg",
        period_start=start,
        period_end=end,
    )
    capacity = _reason(match_demand(enough)[0], "capacity")
    assert (capacity.ok, capacity.points, capacity.params["share"]) == (True, 15, 100)


def test_capacity_converts_tonnes_and_kilograms_and_refuses_to_guess_other_units(board):
    OfferFactory(product=ProductFactory(name="Gạo tám xoan"), capacity_per_month=2, unit="tấn")
    kilos = _demand(board, keywords="gao", quantity=Decimal(1000), unit="KG")
    assert _reason(match_demand(kilos)[0], "capacity").ok is True
    boxes = _demand(board, keywords="gao", quantity=Decimal(10), unit="hộp")
    capacity = _reason(match_demand(boxes)[0], "capacity")
    assert (capacity.ok, capacity.points, capacity.params["comparable"]) == (False, 0, False)


def test_the_season_must_overlap_the_period(board):
    start = dt.date(TODAY.year + 1, 3, 1)
    demand = _demand(
        board, keywords="vai", period_start=start, period_end=dt.date(start.year, 4, 30)
    )
    OfferFactory(product=ProductFactory(name="Vải thiều"), season_months=[6, 7])
    OfferFactory(product=ProductFactory(name="Vải sợi"), season_months=[4, 5])
    OfferFactory(product=ProductFactory(name="Vải lụa"), season_months=[])
    seasons = {m.product.name: _reason(m, "season") for m in match_demand(demand)}
    assert (seasons["Vải thiều"].ok, seasons["Vải thiều"].points) == (False, 0)
    assert seasons["Vải sợi"].ok is True
    assert seasons["Vải sợi"].params["share"] == round(100 * 30 / 61)  # April of March–April
    assert (seasons["Vải lụa"].ok, seasons["Vải lụa"].points) == (True, 5)
    capacity = _reason(
        next(m for m in match_demand(demand) if m.product.name == "Vải thiều"), "capacity"
    )
    assert capacity.params["share"] == 0  # nothing supplied out of season


def test_required_certifications_must_all_be_held(board):
    OfferFactory(product=board.lotus.product, certifications=["vietgap", "haccp"])
    demand = _demand(board, keywords="tra sen", certifications=["haccp", "organic"])
    reason = _reason(match_demand(demand)[0], "certifications")
    assert (reason.ok, reason.points, reason.params["missing"]) == (False, 0, ["organic"])
    with translation.override("en"):
        assert reason.label == "Missing certifications: organic"
    held = _demand(board, keywords="tra sen", certifications=["haccp"])
    reason = _reason(match_demand(held)[0], "certifications")
    assert (reason.ok, reason.points) == (True, 10)


def _neighbours():
    """Two new communes formed from old communes of one former district, and one from
    another district."""
    gia_lam = DistrictFactory(name="Huyện Gia Lâm")
    other = DistrictFactory(name="Huyện Đông Anh")
    bat_trang = CommuneFactory(name="Xã Bát Tràng")
    gia_lam_new = CommuneFactory(name="Xã Gia Lâm")
    dong_anh = CommuneFactory(name="Xã Đông Anh")
    SuccessionFactory(predecessor=OldCommuneFactory(parent=gia_lam), successor=bat_trang)
    SuccessionFactory(predecessor=OldCommuneFactory(parent=gia_lam), successor=gia_lam_new)
    SuccessionFactory(predecessor=OldCommuneFactory(parent=other), successor=dong_anh)
    return bat_trang, gia_lam_new, dong_anh


def test_neighbouring_communes_come_from_the_same_former_district(db):
    bat_trang, gia_lam, dong_anh = _neighbours()
    assert are_neighbours(bat_trang, gia_lam)
    assert not are_neighbours(bat_trang, dong_anh)
    assert not are_neighbours(bat_trang, bat_trang)
    old = OldCommuneFactory(parent=DistrictFactory(name="Huyện Cũ"))
    old_neighbour = OldCommuneFactory(parent=old.parent)
    assert are_neighbours(old, old_neighbour)  # two old communes of one district


def test_same_neighbouring_and_far_communes_are_scored(board):
    bat_trang, gia_lam, dong_anh = _neighbours()
    for name, commune in (
        ("Giỏ mây A", bat_trang),
        ("Giỏ mây B", gia_lam),
        ("Giỏ mây C", dong_anh),
    ):
        OfferFactory(product=ProductFactory(name=name, producer=ProducerFactory(commune=commune)))
    demand = _demand(board, keywords="gio may", delivery=[bat_trang])
    reasons = {m.product.name: m.reasons for m in match_demand(demand)}
    codes = {
        name: [r.code for r in rs if r.code.startswith("commune")] for name, rs in reasons.items()
    }
    assert codes == {
        "Giỏ mây A": ["commune_same"],
        "Giỏ mây B": ["commune_neighbour"],
        "Giỏ mây C": ["commune_far"],
    }
    neighbour = next(r for r in reasons["Giỏ mây B"] if r.code == "commune_neighbour")
    assert (neighbour.points, neighbour.params["district"]) == (5, "Huyện Gia Lâm")
    names = [m.product.name for m in match_demand(demand)]
    assert names == ["Giỏ mây A", "Giỏ mây B", "Giỏ mây C"]


def test_without_a_delivery_area_the_buyers_commune_is_the_target(board):
    commune = CommuneFactory(name="Phường Ba Đình")
    buyer = BuyerFactory(commune=commune)
    OfferFactory(
        product=ProductFactory(name="Giỏ mây D", producer=ProducerFactory(commune=commune))
    )
    match = match_demand(DemandFactory(buyer=buyer, keywords="gio may"))[0]
    same = _reason(match, "commune_same")
    assert same.params == {"commune": "Phường Ba Đình", "target": "buyer"}
    with translation.override("en"):
        assert same.label == "Same commune as the buyer: Phường Ba Đình"


def test_the_offers_delivery_area_must_cover_the_demands(board):
    a, b = CommuneFactory(), CommuneFactory()
    OfferFactory(product=ProductFactory(name="Giỏ mây E"), delivery=[a])
    OfferFactory(product=ProductFactory(name="Giỏ mây F"), delivery=[a, b])
    covered = {
        m.product.name: _reason(m, "delivery").ok
        for m in match_demand(_demand(board, keywords="gio may", delivery=[a, b]))
    }
    assert covered == {"Giỏ mây E": False, "Giỏ mây F": True}
    province = {
        m.product.name: _reason(m, "delivery").ok
        for m in match_demand(_demand(board, keywords="gio may"))
    }
    assert province["Giỏ mây E"] is False  # the demand is for the whole province


def test_ties_rank_by_stars_then_name(board):
    crafts = board.crafts
    listed_product(name="Bình gốm B", group=crafts, stars=3)
    listed_product(name="Bình gốm A", group=crafts, stars=3)
    listed_product(name="Bình gốm C", group=crafts, stars=5)
    demand = _demand(board, group_code=CRAFTS[0], group_name=CRAFTS[1])
    names = [m.product.name for m in match_demand(demand) if m.listed]
    assert names == ["Bình gốm C", "Bình gốm A", "Bình gốm B"]


def test_the_limit_cuts_the_list(board):
    for n in range(6):
        listed_product(name=f"Trà sen số {n}", group=board.tea)
    demand = _demand(board, keywords="tra sen")
    assert len(match_demand(demand, limit=3)) == 3
    assert len(match_demand(demand, limit=None)) == 7


def test_a_revoked_or_expired_certificate_drops_the_product_at_once(board):
    certificate = board.lotus.certificate
    certificate.status = "revoked"
    certificate.save()  # the catalogue row stays until the signal's on-commit refresh
    assert match_demand(_demand(board, keywords="tra sen")) == []


def test_matching_takes_the_same_number_of_queries_for_5_or_50_candidates(board):
    bat_trang, gia_lam, _ = _neighbours()

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            if n % 2:
                listed_product(name=f"Trà sen {n}", group=board.tea, commune=gia_lam)
            else:
                producer = ProducerFactory(commune=bat_trang)
                product = ProductFactory(name=f"Trà sen {n}", producer=producer)
                OfferFactory(product=product, delivery=[gia_lam])

    demand = _demand(
        board, keywords="tra sen", group_code="I.5", group_name="Chè", delivery=[bat_trang]
    )

    def queries() -> tuple[int, int]:
        loaded = (
            type(demand)
            .objects.select_related("buyer__commune")
            .prefetch_related("delivery_units")
            .get(pk=demand.pk)
        )
        with CaptureQueriesContext(connection) as captured:
            matches = match_demand(loaded, limit=None)
        return len(captured), len(matches)

    add(0, 4)
    few = queries()
    add(4, 50)
    many = queries()
    assert (few[1], many[1]) == (5, 51)
    assert few[0] == many[0] <= 6


def test_matches_for_a_producer_give_its_best_product_per_demand(board):
    producer = board.cast.prod2
    other = listed_product(name="Trà sen túi lọc", producer=producer, group=board.tea, stars=3)
    fits = _demand(board, keywords="trà ướp sen")
    group_only = _demand(board, group_code="I.5", group_name="Chè")
    unrelated = _demand(board, keywords="gạo nếp")
    found = matches_for_producer(producer, [fits, group_only, unrelated])
    assert set(found) == {fits.pk, group_only.pk}
    assert found[fits.pk].product == board.lotus.product
    assert found[group_only.pk].product == board.lotus.product  # 4★ before 3★
    assert other.product != found[group_only.pk].product


def test_match_product_gives_the_reasons_of_one_product_even_outside_the_keywords(board):
    demand = _demand(board, keywords="gạo nếp")
    match = match_product(demand, product=board.lotus.product)
    assert match is not None and _reason(match, "keywords").ok is False
    assert (
        match_product(_demand(board, keywords="x", min_stars=5), product=board.lotus.product)
        is None
    )


def test_stored_reasons_read_again_in_the_readers_language(board):
    match = match_demand(_demand(board, keywords="tra sen"))[0]
    stored = stored_reasons(match.reasons_as_dicts())
    assert [r.code for r in stored] == [r.code for r in match.reasons]
    with translation.override("en"):
        assert stored[0].label == "Keywords found: tra sen (1/1)"
    assert stored_reasons("junk") == []
    assert stored_reasons([{"code": "x", "label": "Cũ", "points": 3, "ok": True}])[0].label == "Cũ"

"""The point-of-sale services: create, update, open/close (the transition table), the products
carried (only listed products); who may do each; bad input refused field by field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ocop.core.models import ActivityLog
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.trade.enums import BuyerStatus, PointOfSaleKind, PointOfSaleStatus
from ocop.trade.models import PointOfSaleProduct
from ocop.trade.services.points import (
    add_point_product,
    change_point_of_sale_status,
    create_point_of_sale,
    remove_point_product,
    update_point_of_sale,
)
from tests.factories.catalog import listed_product
from tests.factories.geo import CommuneFactory
from tests.factories.points import PointOfSaleFactory, buyer_with_user, carry, point_data
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


def errors_of(exc: pytest.ExceptionInfo) -> set[str]:
    return set(exc.value.message_dict)


def actions_of(obj) -> list[str]:
    return list(
        ActivityLog.objects.filter(object_id=str(obj.pk), action__startswith="trade.")
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- create ---------------------------------------------------------------------------------


def test_the_office_creates_an_open_point(cast):
    point = create_point_of_sale(
        actor=cast.office,
        data=point_data(cast.commune_a, name="  Điểm bán OCOP Bát Tràng ", phone="+84 912 345 678"),
    )
    assert point.code.startswith("DB")
    assert (point.status, point.name, point.phone) == (
        "open",
        "Điểm bán OCOP Bát Tràng",
        "0912345678",
    )
    assert point.name_folded == "diem ban ocop bat trang"
    assert actions_of(point) == ["trade.pointofsale.create"]


def test_the_commune_may_be_given_by_its_key(cast):
    point = create_point_of_sale(actor=cast.admin, data=point_data(cast.commune_b.key))
    assert point.commune == cast.commune_b


@pytest.mark.parametrize("name", ["commune", "producer1", "buyer", "chair", "outsider"])
def test_only_the_office_creates_points(cast, name):
    with pytest.raises(NotAllowed):
        create_point_of_sale(actor=getattr(cast, name), data=point_data(cast.commune_a))


def test_required_fields_and_lengths(cast):
    data = point_data(None, name="x" * 10_000, address="", kind="castle")
    with pytest.raises(ValidationError) as exc:
        create_point_of_sale(actor=cast.office, data=data)
    assert errors_of(exc) == {"name", "address", "kind", "commune"}


def test_an_ended_commune_is_refused(cast):
    ended = CommuneFactory(valid_to=dt.date(2025, 6, 30))
    with pytest.raises(ValidationError) as exc:
        create_point_of_sale(actor=cast.office, data=point_data(ended))
    assert errors_of(exc) == {"commune"}


def test_emoji_and_right_to_left_names_are_kept(cast):
    name = "Chợ quê 🌾 سوق"
    point = create_point_of_sale(actor=cast.office, data=point_data(cast.commune_a, name=name))
    assert point.name == name


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"latitude": "21.03"}, {"longitude"}),
        ({"longitude": "105.85"}, {"latitude"}),
        ({"latitude": "91", "longitude": "105"}, {"latitude"}),
        ({"latitude": "21", "longitude": "-181"}, {"longitude"}),
        ({"latitude": "abc", "longitude": "1"}, {"latitude"}),
        ({"latitude": "NaN", "longitude": "1"}, {"latitude"}),
        ({"phone": "12345"}, {"phone"}),
        ({"email": "not-an-email"}, {"email"}),
        ({"website": "javascript:alert(1)"}, {"website"}),
    ],
)
def test_bad_details_are_refused(cast, fields, bad):
    with pytest.raises(ValidationError) as exc:
        create_point_of_sale(actor=cast.office, data=point_data(cast.commune_a, **fields))
    assert errors_of(exc) == bad


def test_coordinates_with_a_comma_are_read(cast):
    point = create_point_of_sale(
        actor=cast.office,
        data=point_data(cast.commune_a, latitude="21,028511", longitude="105.854167"),
    )
    assert (str(point.latitude), str(point.longitude)) == ("21.028511", "105.854167")


def test_a_fair_needs_its_dates_in_order(cast):
    with pytest.raises(ValidationError) as exc:
        create_point_of_sale(
            actor=cast.office, data=point_data(cast.commune_a, kind=PointOfSaleKind.FAIR)
        )
    assert errors_of(exc) == {"starts_on", "ends_on"}
    with pytest.raises(ValidationError) as exc:
        create_point_of_sale(
            actor=cast.office,
            data=point_data(
                cast.commune_a,
                kind=PointOfSaleKind.FAIR,
                starts_on=dt.date(2026, 9, 10),
                ends_on=dt.date(2026, 9, 1),
            ),
        )
    assert errors_of(exc) == {"ends_on"}
    fair = create_point_of_sale(
        actor=cast.office,
        data=point_data(
            cast.commune_a,
            kind=PointOfSaleKind.FAIR,
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 9, 1),
        ),
    )
    assert fair.ends_on == fair.starts_on


# --- update ---------------------------------------------------------------------------------


def test_the_buyer_that_runs_a_point_updates_it(cast):
    buyer, user = buyer_with_user()
    point = PointOfSaleFactory(buyer=buyer, commune=cast.commune_a)
    update_point_of_sale(actor=user, point=point, data={"opening_hours": "7:00–22:00"})
    point.refresh_from_db()
    assert point.opening_hours == "7:00–22:00"
    entry = ActivityLog.objects.get(action="trade.pointofsale.update", object_id=str(point.pk))
    assert entry.data["new"] == {"opening_hours": "7:00–22:00"}


def test_the_buyer_cannot_hand_its_point_to_another_buyer(cast):
    buyer, user = buyer_with_user()
    other, _ = buyer_with_user()
    point = PointOfSaleFactory(buyer=buyer)
    with pytest.raises(NotAllowed):
        update_point_of_sale(actor=user, point=point, data={"buyer": other})
    update_point_of_sale(actor=cast.office, point=point, data={"buyer": other.code})
    point.refresh_from_db()
    assert point.buyer == other


@pytest.mark.parametrize(
    "who", ["other_buyer", "suspended_buyer", "commune", "producer1", "outsider"]
)
def test_others_cannot_update_a_point(cast, who):
    buyer, user = buyer_with_user()
    point = PointOfSaleFactory(buyer=buyer, commune=cast.commune_a)
    if who == "other_buyer":
        actor = buyer_with_user()[1]
    elif who == "suspended_buyer":
        buyer.status = BuyerStatus.SUSPENDED
        buyer.save()
        actor = user
    else:
        actor = getattr(cast, who)
    with pytest.raises(NotAllowed):
        update_point_of_sale(actor=actor, point=point, data={"name": "Tên khác"})


def test_an_inactive_buyer_cannot_be_assigned(cast):
    buyer, _user = buyer_with_user(status=BuyerStatus.PENDING)
    with pytest.raises(ValidationError) as exc:
        create_point_of_sale(actor=cast.office, data=point_data(cast.commune_a, buyer=buyer))
    assert errors_of(exc) == {"buyer"}


def test_a_point_keeps_an_ended_commune_it_has(cast):
    ended = CommuneFactory(valid_to=dt.date(2025, 6, 30))
    point = PointOfSaleFactory(commune=ended)
    update_point_of_sale(actor=cast.office, point=point, data={"name": "Tên mới"})
    point.refresh_from_db()
    assert (point.name, point.commune) == ("Tên mới", ended)


def test_an_update_that_changes_nothing_writes_no_row(cast):
    point = PointOfSaleFactory()
    update_point_of_sale(actor=cast.office, point=point, data={"name": point.name})
    assert actions_of(point) == []


# --- status ---------------------------------------------------------------------------------


def test_close_and_open_again(cast):
    point = PointOfSaleFactory()
    change_point_of_sale_status(actor=cast.office, point=point, to="closed", reason="Ngừng bán")
    assert point.status == PointOfSaleStatus.CLOSED
    with pytest.raises(WrongState):
        change_point_of_sale_status(actor=cast.office, point=point, to="closed")
    change_point_of_sale_status(actor=cast.office, point=point, to="open")
    assert actions_of(point) == ["trade.pointofsale.close", "trade.pointofsale.open"]
    closing = ActivityLog.objects.filter(action="trade.pointofsale.close").get()
    assert closing.data["reason"] == "Ngừng bán"


def test_an_unknown_status_is_refused(cast):
    point = PointOfSaleFactory()
    with pytest.raises(WrongState):
        change_point_of_sale_status(actor=cast.office, point=point, to="demolished")


def test_the_buyer_closes_its_own_point_but_not_another(cast):
    buyer, user = buyer_with_user()
    own, other = PointOfSaleFactory(buyer=buyer), PointOfSaleFactory()
    change_point_of_sale_status(actor=user, point=own, to="closed")
    with pytest.raises(NotAllowed):
        change_point_of_sale_status(actor=user, point=other, to="closed")


# --- products carried -----------------------------------------------------------------------


def test_only_listed_products_are_added_once(cast):
    point = PointOfSaleFactory()
    entry = listed_product(name="Bánh chưng Tranh Khúc")
    add_point_product(actor=cast.office, point=point, product=entry.product)
    with pytest.raises(ValidationError) as exc:
        add_point_product(actor=cast.office, point=point, product=entry.product)
    assert errors_of(exc) == {"product"}
    with pytest.raises(ValidationError) as exc:
        add_point_product(actor=cast.office, point=point, product=ProductFactory())
    assert errors_of(exc) == {"product"}
    assert list(point.products.all()) == [entry.product]


def test_remove_a_product(cast):
    point = PointOfSaleFactory()
    entry = listed_product()
    carry(point, entry.product)
    remove_point_product(actor=cast.office, point=point, product=entry.product)
    assert not PointOfSaleProduct.objects.exists()
    with pytest.raises(ValidationError):
        remove_point_product(actor=cast.office, point=point, product=entry.product)
    assert actions_of(point) == ["trade.pointofsale.remove_product"]


def test_the_buyer_keeps_the_products_of_its_point_only(cast):
    buyer, user = buyer_with_user()
    own, other = PointOfSaleFactory(buyer=buyer), PointOfSaleFactory()
    entry = listed_product()
    add_point_product(actor=user, point=own, product=entry.product)
    with pytest.raises(NotAllowed):
        add_point_product(actor=user, point=other, product=entry.product)
    with pytest.raises(NotAllowed):
        add_point_product(actor=cast.producer1, point=own, product=entry.product)

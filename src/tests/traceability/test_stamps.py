"""Stamps: issuing N serials (GS1 characters, unique per GTIN, random, with unique short codes;
bulk; limited per call), and the one transition for ranges of them (activate, void: all or
nothing, logged once per range with the count)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ocop.core.codes import ALPHABET, repeatable_codes
from ocop.core.models import ActivityLog
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.traceability.enums import BatchStatus, StampStatus
from ocop.traceability.identifiers import CSET82, normalise_gtin
from ocop.traceability.models import Stamp
from ocop.traceability.services.stamps import (
    SERIAL_LENGTH,
    SHORT_CODE_LENGTH,
    change_stamp_status,
    issue_stamps,
    parse_codes,
)
from tests.factories.traceability import BatchFactory, StampFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def statuses(batch) -> list[str]:
    return list(batch.stamps.order_by("pk").values_list("status", flat=True))


def test_issue_stamps(cast, django_assert_max_num_queries):
    batch = BatchFactory(product=cast.product1)
    with django_assert_max_num_queries(12):  # bulk: the count does not depend on N
        stamps = issue_stamps(actor=cast.producer1, batch=batch, count=250)
    assert len(stamps) == 250 == batch.stamps.count()
    gtin = normalise_gtin(cast.product1.gtin)
    serials = {stamp.serial for stamp in stamps}
    shorts = {stamp.short_code for stamp in stamps}
    assert len(serials) == 250 and len(shorts) == 250
    for stamp in batch.stamps.all():
        assert stamp.gtin == gtin
        assert len(stamp.serial) == SERIAL_LENGTH and CSET82.match(stamp.serial)
        assert set(stamp.serial) <= set(ALPHABET)
        assert len(stamp.short_code) == SHORT_CODE_LENGTH
        assert stamp.status == StampStatus.ISSUED
    entry = ActivityLog.objects.get(action="traceability.batch.issue_stamps")
    assert entry.data["count"] == 250
    assert entry.object_id == str(batch.pk)


def test_a_product_without_a_gtin_gets_one_with_its_first_stamps(cast):
    batch = BatchFactory.build(product=cast.product1)
    batch.save()  # made directly: the product still has no GTIN
    assert cast.product1.gtin == ""
    stamps = issue_stamps(actor=cast.producer1, batch=batch, count=2)
    cast.product1.refresh_from_db()
    assert cast.product1.gtin and stamps[0].gtin == normalise_gtin(cast.product1.gtin)


def test_serials_are_unique_per_gtin_even_when_the_random_source_repeats(cast):
    """The same seed draws the same codes: the second batch's draws collide with the first's
    and are replaced."""
    first = BatchFactory(product=cast.product1)
    second = BatchFactory(product=cast.product1)
    with repeatable_codes(7):
        one = issue_stamps(actor=cast.producer1, batch=first, count=30)
    with repeatable_codes(7):
        two = issue_stamps(actor=cast.producer1, batch=second, count=30)
    assert not {s.serial for s in one} & {s.serial for s in two}
    assert not {s.short_code for s in one} & {s.short_code for s in two}
    assert Stamp.objects.count() == 60


def test_the_same_seed_gives_the_same_stamps(cast):
    first, second = BatchFactory(product=cast.product1), BatchFactory(product=cast.product1)
    with repeatable_codes(11):
        one = [s.serial for s in issue_stamps(actor=cast.producer1, batch=first, count=3)]
    Stamp.objects.all().delete()
    with repeatable_codes(11):
        two = [s.serial for s in issue_stamps(actor=cast.producer1, batch=second, count=3)]
    assert one == two


@pytest.mark.parametrize("count", [0, -1, "x", 10_001])
def test_issue_refused(cast, count):
    batch = BatchFactory(product=cast.product1)
    with pytest.raises(ValidationError) as caught:
        issue_stamps(actor=cast.producer1, batch=batch, count=count)
    assert "count" in caught.value.message_dict
    assert Stamp.objects.count() == 0


def test_the_limit_is_a_setting(cast, settings):
    settings.OCOP_STAMPS_MAX_PER_ISSUE = 5
    batch = BatchFactory(product=cast.product1)
    with pytest.raises(ValidationError) as caught:
        issue_stamps(actor=cast.producer1, batch=batch, count=6)
    assert caught.value.message_dict == {"count": ["At most 5 stamps at a time."]}
    assert len(issue_stamps(actor=cast.producer1, batch=batch, count=5)) == 5


def test_no_stamps_for_a_recalled_batch_or_another_producer(cast):
    recalled = BatchFactory(product=cast.product1, status=BatchStatus.RECALLED)
    with pytest.raises(WrongState):
        issue_stamps(actor=cast.producer1, batch=recalled, count=1)
    with pytest.raises(NotAllowed):
        issue_stamps(actor=cast.producer2, batch=BatchFactory(product=cast.product1), count=1)
    assert Stamp.objects.count() == 0


# --- ranges ---------------------------------------------------------------------------------


@pytest.fixture
def sheet(cast):
    """A batch with ten issued stamps (short codes T000000001 …, in issue order)."""
    batch = BatchFactory(product=cast.product1)
    stamps = [StampFactory(batch=batch) for _ in range(10)]
    return batch, stamps


def test_parse_codes():
    assert parse_codes(" ab12, CD34;\nef56 - gh78\tX..Y  P–Q ") == [
        "AB12",
        "CD34",
        "EF56-GH78",
        "X..Y",
        "P–Q",
    ]


def test_activate_a_range_by_short_codes_then_void_some_by_serial(cast, sheet):
    batch, stamps = sheet
    count = change_stamp_status(
        actor=cast.producer1,
        batch=batch,
        to=StampStatus.ACTIVE,
        codes=f"{stamps[6].short_code}-{stamps[2].short_code}",  # either order
    )
    assert count == 5
    assert statuses(batch) == ["issued"] * 2 + ["active"] * 5 + ["issued"] * 3
    count = change_stamp_status(
        actor=cast.producer1_staff,
        batch=batch,
        to=StampStatus.VOID,
        codes=[stamps[3].serial.lower(), stamps[9].short_code],
        reason="Rách nhãn",
    )
    assert count == 2
    assert statuses(batch)[3] == "void" and statuses(batch)[9] == "void"
    voided = Stamp.objects.get(pk=stamps[3].pk)
    assert voided.activated_at is not None and voided.voided_at is not None
    entries = ActivityLog.objects.filter(action__contains="_stamps").order_by("pk")
    assert [(e.action, e.data["count"]) for e in entries] == [
        ("traceability.batch.activate_stamps", 5),
        ("traceability.batch.void_stamps", 2),
    ]
    assert entries[1].data["reason"] == "Rách nhãn"


def test_every_issued_stamp(cast, sheet):
    batch, stamps = sheet
    change_stamp_status(
        actor=cast.producer1, batch=batch, to=StampStatus.VOID, codes=[stamps[0].short_code]
    )
    count = change_stamp_status(
        actor=cast.producer1, batch=batch, to=StampStatus.ACTIVE, every_issued=True
    )
    assert count == 9
    assert statuses(batch) == ["void"] + ["active"] * 9
    with pytest.raises(ValidationError) as caught:
        change_stamp_status(
            actor=cast.producer1, batch=batch, to=StampStatus.ACTIVE, every_issued=True
        )
    assert caught.value.message_dict == {
        "codes": ["No stamp of this batch is waiting to be activated."]
    }


def test_voiding_a_void_stamp_refuses_the_whole_range(cast, sheet):
    batch, stamps = sheet
    change_stamp_status(
        actor=cast.producer1, batch=batch, to=StampStatus.VOID, codes=[stamps[4].short_code]
    )
    before = statuses(batch)
    with pytest.raises(WrongState) as caught:
        change_stamp_status(
            actor=cast.producer1,
            batch=batch,
            to=StampStatus.VOID,
            codes=f"{stamps[0].short_code}-{stamps[9].short_code}",
        )
    assert stamps[4].short_code in caught.value.text
    assert "nothing was changed" in caught.value.text
    assert statuses(batch) == before
    assert ActivityLog.objects.filter(action="traceability.batch.void_stamps").count() == 1


def test_a_void_stamp_is_never_activated(cast, sheet):
    batch, stamps = sheet
    change_stamp_status(
        actor=cast.producer1, batch=batch, to=StampStatus.VOID, codes=[stamps[0].short_code]
    )
    with pytest.raises(WrongState):
        change_stamp_status(
            actor=cast.producer1, batch=batch, to=StampStatus.ACTIVE, codes=[stamps[0].short_code]
        )


def test_codes_of_another_batch_are_unknown(cast, sheet):
    batch, stamps = sheet
    stranger = StampFactory(batch=BatchFactory(product=cast.product2))
    with pytest.raises(ValidationError) as caught:
        change_stamp_status(
            actor=cast.producer1,
            batch=batch,
            to=StampStatus.ACTIVE,
            codes=[stamps[0].short_code, stranger.short_code, "NOPE"],
        )
    assert caught.value.message_dict == {
        "codes": [f"2 codes are not stamps of this batch: NOPE, {stranger.short_code}."]
    }
    assert set(statuses(batch)) == {"issued"}
    assert Stamp.objects.get(pk=stranger.pk).status == "issued"


@pytest.mark.parametrize(
    ("to", "codes", "field"),
    [
        ("active", "", "codes"),
        ("issued", "X", "status"),
        ("gone", "X", "status"),
    ],
)
def test_a_range_refused(cast, sheet, to, codes, field):
    batch, _stamps = sheet
    with pytest.raises(ValidationError) as caught:
        change_stamp_status(actor=cast.producer1, batch=batch, to=to, codes=codes)
    assert field in caught.value.message_dict


def test_ranges_of_a_recalled_batch(cast, sheet):
    batch, _stamps = sheet
    batch.status = BatchStatus.RECALLED
    batch.save()
    with pytest.raises(WrongState):
        change_stamp_status(
            actor=cast.producer1, batch=batch, to=StampStatus.ACTIVE, every_issued=True
        )
    assert (
        change_stamp_status(
            actor=cast.producer1, batch=batch, to=StampStatus.VOID, every_issued=True
        )
        == 10
    )


def test_only_the_keepers_change_stamps(cast, sheet):
    batch, _stamps = sheet
    for user in (cast.producer2, cast.commune2, cast.buyer, cast.outsider):
        with pytest.raises(NotAllowed):
            change_stamp_status(actor=user, batch=batch, to=StampStatus.ACTIVE, every_issued=True)
    assert set(statuses(batch)) == {"issued"}


def test_a_large_range_in_bulk(cast, django_assert_max_num_queries):
    batch = BatchFactory(product=cast.product1)
    stamps = issue_stamps(actor=cast.producer1, batch=batch, count=1200)
    codes = f"{stamps[0].short_code}-{stamps[-1].short_code}"
    with django_assert_max_num_queries(20):
        count = change_stamp_status(
            actor=cast.producer1, batch=batch, to=StampStatus.ACTIVE, codes=codes
        )
    assert count == 1200
    assert set(statuses(batch)) == {"active"}

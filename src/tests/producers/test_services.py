import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.models import Membership, Organisation, User
from ocop.core.models import ActivityLog
from ocop.core.queries.activity import history_for
from ocop.producers.enums import PRODUCER_TRANSITIONS, ProducerKind, ProducerStatus
from ocop.producers.models import Producer
from ocop.producers.services.producers import (
    STATUS_VERBS,
    approve_producer,
    change_producer_status,
    create_producer,
    register_producer,
    reinstate_producer,
    reject_producer,
    suspend_producer,
    update_producer,
)
from tests.factories.accounts import MembershipFactory
from tests.factories.geo import CommuneFactory
from tests.factories.producers import ProducerFactory, producer_data, valid_mst

pytestmark = pytest.mark.django_db

NAME_NFC = "Hợp tác xã Gốm Sứ Bát Tràng"
NAME_NFD = unicodedata.normalize("NFD", NAME_NFC)


def counts():
    return (
        Producer.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        ActivityLog.objects.count(),
    )


def error_fields(info):
    return sorted(info.value.message_dict)


# --- register_producer ----------------------------------------------------------------------------


def test_register_producer_creates_organisation_record_and_ownership(cast):
    data = producer_data(
        cast.commune_a,
        tax_code="0100233488",
        phone="+84 912 345 678",
        email="HTX@Example.VN",
        registration_date=dt.date(2020, 5, 4),
        founded_on=dt.date(2019, 1, 2),
        representative_ethnicity="tày",
    )
    producer = register_producer(actor=cast.outsider, data=data)

    producer.refresh_from_db()
    assert producer.status == ProducerStatus.PENDING
    assert producer.created_by == cast.outsider
    assert producer.approved_at is None
    assert producer.tax_code == "0100233488"
    assert producer.phone == "0912345678"
    assert producer.email == "htx@example.vn"
    assert producer.representative_ethnicity == "Tày"
    assert producer.representative_is_ethnic_minority is True
    assert producer.organisation.kind == OrganisationKind.PRODUCER
    assert producer.organisation.name == "Hợp tác xã Nông nghiệp Đông Anh"
    assert producer.organisation.unit == cast.commune_a
    assert list(
        Membership.objects.filter(organisation=producer.organisation).values_list("user", "role")
    ) == [(cast.outsider.pk, Role.PRODUCER_OWNER)]
    entry = history_for(producer)[0]
    assert entry.action == "producers.producer.register"
    assert entry.actor == cast.outsider
    assert entry.data == {
        "old": {},
        "new": {
            "kind": "cooperative",
            "name": "Hợp tác xã Nông nghiệp Đông Anh",
            "tax_code": "0100233488",
            "registration_number": "",
            "registration_date": "2020-05-04",
            "founded_on": "2019-01-02",
            "address": "Thôn Đông, số 5",
            "commune": cast.commune_a.key,
            "phone": "0912345678",
            "email": "htx@example.vn",
            "website": "",
            "representative_name": "Nguyễn Thị Hoa",
            "representative_sex": "female",
            "representative_ethnicity": "Tày",
            "representative_disability": False,
            "workforce_total": 10,
            "workforce_local": 8,
            "status": "pending",
        },
    }


def test_register_producer_normalises_decomposed_text_to_nfc(cast):
    producer = register_producer(
        actor=cast.outsider,
        data=producer_data(
            cast.commune_a,
            name=NAME_NFD,
            address=unicodedata.normalize("NFD", " Thôn Kim Lan "),
            representative_name=unicodedata.normalize("NFD", "Lê Văn Đức"),
        ),
    )
    producer.refresh_from_db()
    assert producer.name == NAME_NFC
    assert producer.address == "Thôn Kim Lan"
    assert producer.representative_name == "Lê Văn Đức"
    assert producer.name_folded == "hop tac xa gom su bat trang"
    assert Producer.objects.filter(name=NAME_NFC).count() == 1


def test_register_producer_refuses_a_second_producer_for_an_owner(cast):
    before = counts()
    with pytest.raises(ValidationError) as info:
        register_producer(actor=cast.producer1, data=producer_data(cast.commune_a))
    assert error_fields(info) == [NON_FIELD_ERRORS]
    assert counts() == before


def test_register_producer_lets_staff_who_own_a_producer_register_another(cast):
    MembershipFactory(
        user=cast.commune, organisation=cast.prod2.organisation, role=Role.PRODUCER_OWNER
    )
    producer = register_producer(actor=cast.commune, data=producer_data(cast.commune_a))
    assert producer.status == ProducerStatus.PENDING
    assert producer.organisation.memberships.get().user == cast.commune


def test_register_producer_lets_producer_staff_register_their_own(cast):
    producer = register_producer(actor=cast.producer1_staff, data=producer_data(cast.commune_b))
    assert producer.commune == cast.commune_b


def test_register_producer_creates_the_account_of_an_anonymous_visitor(cast):
    account = {"username": "ba_lan", "password": "Gom-su-2026!", "email": "Lan@Example.vn"}
    producer = register_producer(actor=None, data=producer_data(cast.commune_a), account=account)

    user = User.objects.get(username="ba_lan")
    assert user.check_password("Gom-su-2026!")
    assert user.email == "lan@example.vn"
    assert producer.created_by == user
    assert producer.organisation.memberships.get().user == user
    assert history_for(producer)[0].actor == user
    assert (
        ActivityLog.objects.filter(action="accounts.user.create", object_id=str(user.pk)).count()
        == 1
    )


def test_register_producer_reports_account_and_producer_errors_together_and_writes_nothing(cast):
    before = counts()
    account = {"username": "outsider", "password": "123", "email": "not-an-email"}
    with pytest.raises(ValidationError) as info:
        register_producer(
            actor=None, data=producer_data(cast.commune_a, tax_code="0100233480"), account=account
        )
    assert error_fields(info) == [
        "account.email",
        "account.password",
        "account.username",
        "tax_code",
    ]
    assert counts() == before


def test_register_producer_needs_an_account_when_anonymous(cast):
    with pytest.raises(ValidationError) as info:
        register_producer(actor=None, data=producer_data(cast.commune_a))
    assert error_fields(info) == [NON_FIELD_ERRORS]


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"tax_code": "0100233480"}, ["tax_code"]),
        ({"tax_code": "12345"}, ["tax_code"]),
        ({"phone": "12345"}, ["phone"]),
        ({"email": "htx@"}, ["email"]),
        ({"website": "not a url"}, ["website"]),
        ({"registration_date": dt.date(2999, 1, 1)}, ["registration_date"]),
        ({"founded_on": dt.date(2999, 1, 1)}, ["founded_on"]),
        ({"founded_on": "31/12/2020"}, ["founded_on"]),
        ({"workforce_total": 3, "workforce_local": 4}, ["workforce_local"]),
        ({"workforce_total": -1}, ["workforce_total"]),
        ({"kind": "club"}, ["kind"]),
        ({"representative_sex": "x"}, ["representative_sex"]),
        ({"representative_ethnicity": "Viking"}, ["representative_ethnicity"]),
        ({"representative_disability": "yes"}, ["representative_disability"]),
        ({"name": "   "}, ["name"]),
        ({"name": "x" * 256}, ["name"]),
        ({"commune": "c99999"}, ["commune"]),
        ({"commune": None, "address": ""}, ["address", "commune"]),
    ],
)
def test_register_producer_refuses_bad_input_field_by_field_and_writes_nothing(
    cast, overrides, fields
):
    before = counts()
    data = producer_data(cast.commune_a)
    data.update(overrides)
    with pytest.raises(ValidationError) as info:
        register_producer(actor=cast.outsider, data=data)
    assert error_fields(info) == fields
    assert counts() == before


def test_register_producer_refuses_an_ended_commune_and_a_province(cast):
    ended = CommuneFactory(valid_to=dt.date(2025, 6, 30))
    for unit in (ended, cast.commune_a.province):
        with pytest.raises(ValidationError) as info:
            register_producer(actor=cast.outsider, data=producer_data(unit))
        assert error_fields(info) == ["commune"]


def test_register_producer_refuses_a_tax_code_already_registered(cast):
    ProducerFactory(tax_code="0100233488")
    with pytest.raises(ValidationError) as info:
        register_producer(
            actor=cast.outsider, data=producer_data(cast.commune_a, tax_code="0100 233 488")
        )
    assert error_fields(info) == ["tax_code"]


def test_register_producer_accepts_the_commune_key_and_an_association(cast):
    producer = register_producer(
        actor=cast.outsider,
        data=producer_data(cast.commune_a.key, kind=ProducerKind.ASSOCIATION),
    )
    assert (producer.commune, producer.kind) == (cast.commune_a, "association")


# --- create_producer --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "admin", "commune"])
def test_create_producer_by_a_staff_member_who_may_approve_is_approved_at_once(cast, who):
    actor = getattr(cast, who)
    producer = create_producer(actor=actor, data=producer_data(cast.commune_a))
    producer.refresh_from_db()
    assert producer.status == ProducerStatus.APPROVED
    assert producer.approved_by == actor
    assert producer.approved_at is not None
    assert producer.created_by == actor
    entry = history_for(producer)[0]
    assert (entry.action, entry.actor, entry.data["new"]["status"]) == (
        "producers.producer.create",
        actor,
        "approved",
    )
    assert producer.organisation.memberships.count() == 0


def test_create_producer_by_the_officer_of_another_commune_stays_pending(cast):
    producer = create_producer(actor=cast.commune2, data=producer_data(cast.commune_a))
    assert (producer.status, producer.approved_at, producer.approved_by) == (
        ProducerStatus.PENDING,
        None,
        None,
    )


def test_create_producer_with_an_owner_gives_them_the_record(cast):
    producer = create_producer(
        actor=cast.office, data=producer_data(cast.commune_a), owner="OUTSIDER"
    )
    assert list(producer.organisation.memberships.values_list("user", "role")) == [
        (cast.outsider.pk, Role.PRODUCER_OWNER)
    ]
    assert history_for(producer)[0].data["owner"] == "outsider"


def test_create_producer_refuses_an_unknown_owner_or_one_who_owns_a_producer(cast):
    before = counts()
    for owner, field in (("nobody", "owner"), (cast.producer1, "owner")):
        with pytest.raises(ValidationError) as info:
            create_producer(actor=cast.office, data=producer_data(cast.commune_a), owner=owner)
        assert error_fields(info) == [field]
    assert counts() == before


# --- update_producer --------------------------------------------------------------------------


def test_update_producer_logs_only_what_changed(cast):
    producer = cast.prod1
    update_producer(
        actor=cast.producer1,
        producer=producer,
        data={"phone": "024 3825 1234", "workforce_local": 12, "address": producer.address},
    )
    producer.refresh_from_db()
    assert (producer.phone, producer.workforce_local) == ("02438251234", 12)
    entry = history_for(producer)[0]
    assert entry.action == "producers.producer.update"
    assert entry.actor == cast.producer1
    assert entry.data == {
        "old": {"phone": "", "workforce_local": 15},
        "new": {"phone": "02438251234", "workforce_local": 12},
    }


def test_update_producer_without_changes_writes_no_log_row(cast):
    before = ActivityLog.objects.count()
    update_producer(actor=cast.office, producer=cast.prod1, data={"name": cast.prod1.name})
    assert ActivityLog.objects.count() == before


def test_update_producer_keeps_the_organisation_in_step(cast):
    update_producer(
        actor=cast.office,
        producer=cast.prod1,
        data={"name": NAME_NFD, "commune": cast.commune_b},
    )
    cast.prod1.refresh_from_db()
    organisation = Organisation.objects.get(pk=cast.prod1.organisation_id)
    assert (cast.prod1.name, cast.prod1.name_folded) == (NAME_NFC, "hop tac xa gom su bat trang")
    assert (organisation.name, organisation.unit) == (NAME_NFC, cast.commune_b)


def test_update_producer_refuses_bad_input_and_changes_nothing(cast):
    before = ActivityLog.objects.count()
    with pytest.raises(ValidationError) as info:
        update_producer(
            actor=cast.office,
            producer=cast.prod1,
            data={"name": "", "phone": "0912345678", "workforce_local": 99},
        )
    assert error_fields(info) == ["name", "workforce_local"]
    cast.prod1.refresh_from_db()
    assert (cast.prod1.name, cast.prod1.phone) == ("HTX Gốm Bát Tràng", "")
    assert ActivityLog.objects.count() == before


def test_update_producer_refuses_the_tax_code_of_another_producer(cast):
    update_producer(actor=cast.office, producer=cast.prod2, data={"tax_code": "0100233488"})
    with pytest.raises(ValidationError) as info:
        update_producer(actor=cast.office, producer=cast.prod1, data={"tax_code": "0100233488"})
    assert error_fields(info) == ["tax_code"]
    update_producer(actor=cast.office, producer=cast.prod2, data={"tax_code": "0100233488"})


def test_update_producer_may_keep_an_ended_commune_but_not_move_to_one(cast):
    ended = CommuneFactory(valid_to=dt.date(2025, 6, 30))
    producer = ProducerFactory(commune=ended)
    update_producer(actor=cast.office, producer=producer, data={"commune": ended, "phone": ""})
    with pytest.raises(ValidationError) as info:
        update_producer(actor=cast.office, producer=cast.prod1, data={"commune": ended.key})
    assert error_fields(info) == ["commune"]


def test_update_producer_with_resubmit_sends_a_rejected_record_back(cast):
    producer = ProducerFactory(commune=cast.commune_a, status=ProducerStatus.REJECTED)
    update_producer(
        actor=cast.office, producer=producer, data={"phone": "0912345678"}, resubmit=True
    )
    producer.refresh_from_db()
    assert producer.status == ProducerStatus.PENDING
    assert [entry.action for entry in history_for(producer)] == [
        "producers.producer.resubmit",
        "producers.producer.update",
    ]


def test_update_producer_with_resubmit_on_an_approved_record_changes_nothing(cast):
    with pytest.raises(ValidationError) as info:
        update_producer(
            actor=cast.office, producer=cast.prod1, data={"phone": "0912345678"}, resubmit=True
        )
    assert error_fields(info) == ["status"]
    cast.prod1.refresh_from_db()
    assert (cast.prod1.phone, cast.prod1.status) == ("", ProducerStatus.APPROVED)
    assert list(history_for(cast.prod1)) == []


# --- change_producer_status -------------------------------------------------------------------


def test_every_allowed_move_has_exactly_one_audit_verb():
    allowed = {(old, new) for old, targets in PRODUCER_TRANSITIONS.items() for new in targets}
    assert set(STATUS_VERBS) == allowed


@pytest.mark.parametrize(("old", "new"), sorted(STATUS_VERBS))
def test_change_producer_status_makes_each_allowed_move_and_logs_it(cast, old, new):
    producer = ProducerFactory(commune=cast.commune_a, status=old)
    change_producer_status(actor=cast.commune, producer=producer, to=new, reason=" Lý do ")
    producer.refresh_from_db()
    assert (producer.status, producer.status_reason) == (new, "Lý do")
    entry = history_for(producer)[0]
    assert entry.action == f"producers.producer.{STATUS_VERBS[(old, new)]}"
    assert entry.actor == cast.commune
    assert entry.data == {"old": {"status": old}, "new": {"status": new}, "reason": "Lý do"}


REFUSED = sorted(
    (old, new)
    for old in ProducerStatus.values
    for new in ProducerStatus.values
    if new not in PRODUCER_TRANSITIONS[old]
)


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_change_producer_status_refuses_moves_outside_the_table(cast, old, new):
    producer = ProducerFactory(commune=cast.commune_a, status=old)
    with pytest.raises(ValidationError) as info:
        change_producer_status(actor=cast.office, producer=producer, to=new, reason="x")
    assert error_fields(info) == ["status"]
    producer.refresh_from_db()
    assert producer.status == old
    assert list(history_for(producer)) == []


def test_change_producer_status_reads_the_current_status_from_the_database(cast):
    producer = ProducerFactory(commune=cast.commune_a, status=ProducerStatus.PENDING)
    stale = Producer.objects.get(pk=producer.pk)
    approve_producer(actor=cast.commune, producer=producer)
    with pytest.raises(ValidationError):
        reject_producer(actor=cast.commune, producer=stale, reason="late")
    producer.refresh_from_db()
    assert producer.status == ProducerStatus.APPROVED


def test_approve_producer_records_who_and_when(cast):
    producer = ProducerFactory(commune=cast.commune_a, status=ProducerStatus.PENDING)
    before = timezone.now()
    approve_producer(actor=cast.commune, producer=producer)
    producer.refresh_from_db()
    assert producer.approved_by == cast.commune
    assert producer.approved_at >= before
    assert producer.status_reason == ""
    assert history_for(producer)[0].data == {
        "old": {"status": "pending"},
        "new": {"status": "approved"},
    }


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_and_suspend_need_a_reason(cast, reason):
    pending = ProducerFactory(commune=cast.commune_a, status=ProducerStatus.PENDING)
    with pytest.raises(ValidationError) as rejected:
        reject_producer(actor=cast.commune, producer=pending, reason=reason)
    with pytest.raises(ValidationError) as suspended:
        suspend_producer(actor=cast.commune, producer=cast.prod1, reason=reason)
    assert (error_fields(rejected), error_fields(suspended)) == (["reason"], ["reason"])
    pending.refresh_from_db()
    cast.prod1.refresh_from_db()
    assert (pending.status, cast.prod1.status) == (ProducerStatus.PENDING, ProducerStatus.APPROVED)


def test_suspend_then_reinstate(cast):
    suspend_producer(actor=cast.office, producer=cast.prod1, reason="Vi phạm nhãn mác")
    assert cast.prod1.status == ProducerStatus.SUSPENDED
    reinstate_producer(actor=cast.office, producer=cast.prod1)
    cast.prod1.refresh_from_db()
    assert (cast.prod1.status, cast.prod1.approved_by) == (ProducerStatus.APPROVED, cast.office)
    assert [entry.action for entry in history_for(cast.prod1)] == [
        "producers.producer.reinstate",
        "producers.producer.suspend",
    ]


def test_valid_mst_helper_makes_distinct_valid_codes():
    from stdnum.vn import mst

    codes = {valid_mst(n) for n in range(20)}
    assert len(codes) == 20
    assert all(mst.is_valid(code) for code in codes)

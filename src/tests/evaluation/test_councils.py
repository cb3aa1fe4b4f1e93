"""Councils: created and managed by the office, exactly one chair, seats only for people with a
council role, sub-councils per product group; their pages (who sees what)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.criteria.models import ClassificationNode
from ocop.evaluation.models import Council, CouncilMember
from ocop.evaluation.services.councils import (
    add_council_member,
    create_council,
    remove_council_member,
    update_council,
)
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from tests.evaluation.council_setup import build_board, database_state
from tests.factories.accounts import UserFactory
from tests.factories.evaluation import session_council, session_council_user

pytestmark = pytest.mark.django_db


def groups(*codes):
    return list(
        ClassificationNode.objects.filter(criteria_set__code="qd26-2026", code__in=codes).order_by(
            "position"
        )
    )


@pytest.fixture
def council(cast):
    return create_council(actor=cast.office, name="Hội đồng OCOP thành phố Hà Nội")


def test_the_office_creates_a_council_with_the_default_rule(council):
    assert (
        council.level,
        council.quorum_ratio,
        council.quorum_requires_chair,
        council.spread_threshold,
        council.parent,
    ) == ("province", Decimal("0.75"), True, None, None)
    assert ActivityLog.objects.filter(action="evaluation.council.create").count() == 1


@pytest.mark.parametrize("who", ["chair", "member", "commune", "producer1", "outsider"])
def test_only_the_office_creates_councils(cast, who):
    with pytest.raises(NotAllowed):
        create_council(actor=getattr(cast, who), name="Hội đồng")
    assert Council.objects.count() == 0


def test_the_settings_are_checked(cast):
    with pytest.raises(ValidationError) as caught:
        create_council(actor=cast.office, name=" ", quorum_ratio="1.5", spread_threshold="-1")
    assert sorted(caught.value.message_dict) == ["name", "quorum_ratio", "spread_threshold"]


def test_sub_councils_score_groups_within_their_parent_s(cast, qd26, english):
    parent = create_council(
        actor=cast.office, name="Hội đồng thực phẩm", product_groups=groups("I")
    )
    sub = create_council(
        actor=cast.office, name="Tiểu ban chế biến", parent=parent, product_groups=groups("I.3")
    )
    assert (sub.parent, sub.level, [g.code for g in sub.product_groups.all()]) == (
        parent,
        parent.level,
        ["I.3"],
    )
    with pytest.raises(ValidationError) as caught:
        create_council(
            actor=cast.office, name="Tiểu ban du lịch", parent=parent, product_groups=groups("VI")
        )
    assert caught.value.message_dict == {
        "product_groups": ["These groups are not among the parent council's: VI."]
    }
    with pytest.raises(ValidationError) as caught:
        create_council(actor=cast.office, name="Tiểu ban trống", parent=parent)
    assert list(caught.value.message_dict) == ["product_groups"]
    with pytest.raises(ValidationError) as caught:
        create_council(
            actor=cast.office, name="Tiểu-tiểu ban", parent=sub, product_groups=groups("I.3")
        )
    assert list(caught.value.message_dict) == ["parent"]


def test_the_office_changes_the_rule(council, cast):
    update_council(
        actor=cast.office,
        council=council,
        data={
            "quorum_ratio": Decimal("0.6"),
            "spread_threshold": 8,
            "quorum_requires_chair": False,
        },
    )
    council.refresh_from_db()
    assert (council.quorum_ratio, council.spread_threshold, council.quorum_requires_chair) == (
        Decimal("0.600"),
        Decimal("8.00"),
        False,
    )


# --- members ------------------------------------------------------------------------------------


def test_members_are_seated_with_their_department(council, cast):
    seat = add_council_member(
        actor=cast.office, council=council, user=cast.chair, role="chair", department="UBND TP"
    )
    add_council_member(
        actor=cast.office, council=council, user=cast.member, role="member", department="Sở Y tế"
    )
    assert (seat.role, seat.department) == ("chair", "UBND TP")
    assert list(
        council.members.order_by("role").values_list("user__username", "role", "department")
    ) == [
        (cast.chair.username, "chair", "UBND TP"),
        (cast.member.username, "member", "Sở Y tế"),
    ]


def test_a_council_has_exactly_one_chair(council, cast, english):
    add_council_member(actor=cast.office, council=council, user=cast.chair, role="chair")
    other = session_council_user(Role.COUNCIL_CHAIR)
    with pytest.raises(ValidationError) as caught:
        add_council_member(actor=cast.office, council=council, user=other, role="chair")
    assert caught.value.message_dict == {
        "role": [
            f"The council already has a chair, {cast.chair.get_full_name()}: remove them first."
        ]
    }


def test_a_seat_needs_a_council_role(council, cast, english):
    for user in (cast.producer1, cast.office, UserFactory()):
        with pytest.raises(ValidationError) as caught:
            add_council_member(actor=cast.office, council=council, user=user, role="member")
        assert list(caught.value.message_dict) == ["user"]
    assert council.members.count() == 0


def test_a_member_sits_once_and_may_come_back(council, cast):
    seat = add_council_member(actor=cast.office, council=council, user=cast.member, role="member")
    with pytest.raises(ValidationError):
        add_council_member(actor=cast.office, council=council, user=cast.member, role="member")
    remove_council_member(actor=cast.office, member=seat)
    seat.refresh_from_db()
    assert seat.is_active is False
    again = add_council_member(
        actor=cast.office, council=council, user=cast.member, role="secretary"
    )
    assert (again.pk, again.role, again.is_active) == (seat.pk, "secretary", True)


def test_a_member_in_an_open_session_stays(classified, english):
    board = build_board(classified, items=1)
    board.attend()
    before = database_state()
    with pytest.raises(WrongState):
        remove_council_member(actor=classified.office, member=board.members[0])
    assert database_state() == before
    assert CouncilMember.objects.get(pk=board.members[0].pk).is_active is True


# --- pages --------------------------------------------------------------------------------------


@pytest.fixture
def two_councils(classified):
    mine = session_council(chair=classified.chair, members=[classified.member], name="Hội đồng A")
    other = session_council(chair=session_council_user(Role.COUNCIL_CHAIR), name="Hội đồng B")
    return mine, other


@pytest.mark.parametrize(
    ("who", "listed"),
    [
        ("office", ["Hội đồng A", "Hội đồng B"]),
        ("admin", ["Hội đồng A", "Hội đồng B"]),
        ("chair", ["Hội đồng A"]),
        ("member", ["Hội đồng A"]),
    ],
)
def test_the_councils_page_lists_what_one_may_see(
    two_councils, classified, client_for, who, listed
):
    response = client_for(getattr(classified, who)).get(reverse("evaluation:councils"))
    assert response.status_code == 200
    assert [c.name for c in response.context["councils"]] == listed


@pytest.mark.parametrize("who", ["producer1", "commune", "buyer", "outsider"])
def test_the_councils_page_is_not_for_others(two_councils, classified, client_for, who):
    assert (
        client_for(getattr(classified, who)).get(reverse("evaluation:councils")).status_code == 404
    )


def test_a_council_s_page_is_404_for_another_council_s_member(two_councils, classified, client_for):
    mine, other = two_councils
    client = client_for(classified.member)
    assert client.get(reverse("evaluation:council", args=[mine.code])).status_code == 200
    assert client.get(reverse("evaluation:council", args=[other.code])).status_code == 404


def test_the_office_manages_the_members_on_the_page(two_councils, classified, client_for):
    mine, _other = two_councils
    newcomer = session_council_user(Role.COUNCIL_MEMBER, full_name="Lê Thị Mai")
    client = client_for(classified.office)
    response = client.post(
        reverse("evaluation:council_member_add", args=[mine.code]),
        {"user": newcomer.username, "role": "member", "department": "Sở Công Thương"},
    )
    assert response.status_code == 302
    assert mine.members.filter(user=newcomer, is_active=True).exists()
    response = client.post(
        reverse("evaluation:council_member_remove", args=[mine.code, newcomer.username])
    )
    assert response.status_code == 302
    assert mine.members.filter(user=newcomer, is_active=True).exists() is False
    second_chair = client.post(
        reverse("evaluation:council_member_add", args=[mine.code]),
        {"user": session_council_user(Role.COUNCIL_CHAIR).username, "role": "chair"},
    )
    assert second_chair.status_code == 400
    assert second_chair.context["member_form"].errors["role"]


def test_a_member_cannot_manage_the_council(two_councils, classified, client_for):
    mine, _other = two_councils
    client = client_for(classified.chair)
    for name, args in (
        ("evaluation:council_member_add", [mine.code]),
        ("evaluation:council_member_remove", [mine.code, classified.member.username]),
        ("evaluation:council_settings", [mine.code]),
        ("evaluation:session_create", [mine.code]),
        ("evaluation:sub_council_create", [mine.code]),
    ):
        assert client.post(reverse(name, args=args), {}).status_code == 404, name


def test_the_office_creates_a_sub_council_and_a_session_on_the_page(classified, client_for):
    board = build_board(classified, items=1)
    client = client_for(classified.office)
    group = groups("I.3")[0]
    response = client.post(
        reverse("evaluation:sub_council_create", args=[board.council.code]),
        {
            "name": "Tiểu ban chế biến",
            "product_groups": [group.pk],
            "quorum_percent": "75",
            "quorum_requires_chair": "on",
        },
    )
    sub = Council.objects.get(parent=board.council)
    assert response["Location"] == reverse("evaluation:council", args=[sub.code])
    response = client.post(
        reverse("evaluation:session_create", args=[board.council.code]),
        {"round": board.round.code, "held_on": "2026-06-20", "place": "Hội trường"},
    )
    assert response.status_code == 302
    assert board.council.sessions.count() == 2


@pytest.mark.parametrize("count", [1, 4])
def test_the_councils_list_costs_the_same(classified, client_for, django_assert_num_queries, count):
    for index in range(count):
        session_council(chair=classified.chair, name=f"Hội đồng {index}")
    client = client_for(classified.office)
    with django_assert_num_queries(4):
        response = client.get(reverse("evaluation:councils"))
    assert len(response.context["councils"]) == count

"""A member taken off a council no longer prints its minutes (authorisation matrix, issue #9):
the minutes hold every result of the session, published or not, and the removed member no
longer opens the council's sessions either."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.evaluation.models import CouncilMember
from tests.evaluation.results_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(qd26, cast):
    return build_world(cast)


def test_a_removed_member_no_longer_prints_the_minutes(world, client_for):
    url = reverse("evaluation:minutes_pdf", args=[world.session.code])
    member = client_for(world.cast.member)
    assert member.get(url).status_code == 200
    CouncilMember.objects.filter(council=world.council, user=world.cast.member).update(
        is_active=False
    )
    assert member.get(url).status_code == 404
    assert member.get(reverse("evaluation:session", args=[world.session.code])).status_code == 404
    assert client_for(world.cast.chair).get(url).status_code == 200

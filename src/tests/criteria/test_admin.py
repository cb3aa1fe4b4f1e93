"""The admin shows the rules and lets nobody change them there (only the importer does)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.criteria.models import (
    ClassificationNode,
    Correction,
    CriteriaSet,
    KnockoutRule,
    Node,
    Note,
    Option,
    Scorecard,
)
from ocop.criteria.services.importer import import_criteria
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [CriteriaSet, ClassificationNode, Scorecard, Node, Option, Note, KnockoutRule, Correction]


@pytest.fixture
def admin_client(client_for, small_file):
    path, registry = small_file
    import_criteria(path=path, registry=registry)
    Correction.objects.create(
        criteria_set=CriteriaSet.objects.get(),
        board_no=1,
        node_code="2",
        option_seq=5,
        field="points",
        source_value=11,
        corrected_value=10,
        reason="thử",
    )
    return client_for(UserFactory(username="root", is_superuser=True, is_staff=True))


@pytest.mark.parametrize("model", MODELS)
def test_lists_and_records_can_be_viewed(admin_client, model):
    name = model._meta.model_name
    changelist = admin_client.get(reverse(f"admin:criteria_{name}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == model.objects.count()
    obj = model.objects.first()
    detail = admin_client.get(reverse(f"admin:criteria_{name}_change", args=[obj.pk]))
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False


@pytest.mark.parametrize("model", MODELS)
def test_nothing_can_be_added_changed_or_deleted(admin_client, model):
    name = model._meta.model_name
    obj = model.objects.first()
    assert admin_client.get(reverse(f"admin:criteria_{name}_add")).status_code == 403
    assert (
        admin_client.get(reverse(f"admin:criteria_{name}_delete", args=[obj.pk])).status_code == 403
    )
    assert (
        admin_client.post(reverse(f"admin:criteria_{name}_change", args=[obj.pk]), {}).status_code
        == 403
    )
    assert model.objects.filter(pk=obj.pk).exists()

"""The admin shows the map and its imports, and lets nobody change them there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.geo.models import AdministrativeUnit, GazetteerImport, UnitSuccession
from ocop.geo.services.gazetteer import import_gazetteer
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for, small_file):
    import_gazetteer(path_or_data=small_file)
    return client_for(UserFactory(username="root", is_superuser=True, is_staff=True))


@pytest.mark.parametrize("model", [AdministrativeUnit, UnitSuccession, GazetteerImport])
def test_lists_and_records_can_be_viewed(admin_client, model):
    name = model._meta.model_name
    changelist = admin_client.get(reverse(f"admin:geo_{name}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == model.objects.count()
    obj = model.objects.first()
    detail = admin_client.get(reverse(f"admin:geo_{name}_change", args=[obj.pk]))
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False


@pytest.mark.parametrize("model", [AdministrativeUnit, UnitSuccession, GazetteerImport])
def test_nothing_can_be_added_changed_or_deleted(admin_client, model):
    name = model._meta.model_name
    obj = model.objects.first()
    assert admin_client.get(reverse(f"admin:geo_{name}_add")).status_code == 403
    assert admin_client.get(reverse(f"admin:geo_{name}_delete", args=[obj.pk])).status_code == 403
    response = admin_client.post(reverse(f"admin:geo_{name}_change", args=[obj.pk]), {})
    assert response.status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_units_are_searched_by_folded_name(admin_client):
    response = admin_client.get(
        reverse("admin:geo_administrativeunit_changelist"), {"q": "bat trang"}
    )
    assert sorted(unit.key for unit in response.context["cl"].result_list) == [
        "c00577",
        "c00583~20250630",
    ]

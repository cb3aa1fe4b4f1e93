import pytest
from django.db import transaction
from django.urls import reverse

from ocop.core.models import ActivityLog, StoredFile
from ocop.core.services.activity import log_action

pytestmark = pytest.mark.django_db


def _entry(cast):
    with transaction.atomic():
        return log_action(cast.office, "producers.producer.update", cast.prod1, data={"x": 1})


def test_activity_log_admin_lists_and_shows_read_only(cast, client_for):
    entry = _entry(cast)
    client = client_for(cast.admin)
    listing = client.get(reverse("admin:core_activitylog_changelist"))
    assert listing.status_code == 200
    assert "producers.producer.update" in listing.content.decode()
    detail = client.get(reverse("admin:core_activitylog_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False
    assert 'name="_save"' not in detail.content.decode()


def test_activity_log_admin_cannot_add_change_or_delete(cast, client_for):
    entry = _entry(cast)
    client = client_for(cast.admin)
    assert client.get(reverse("admin:core_activitylog_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:core_activitylog_change", args=[entry.pk]), {"action": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:core_activitylog_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ActivityLog.objects.get(pk=entry.pk).action == "producers.producer.update"


def test_stored_file_admin_is_read_only(cast, client_for):
    stored = StoredFile.objects.create(
        original_name="ảnh.jpg",
        content_type="image/jpeg",
        size=3,
        sha256="0" * 64,
        storage_name="ab/cd.jpg",
    )
    client = client_for(cast.admin)
    assert client.get(reverse("admin:core_storedfile_changelist")).status_code == 200
    assert client.get(reverse("admin:core_storedfile_change", args=[stored.pk])).status_code == 200
    assert client.get(reverse("admin:core_storedfile_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:core_storedfile_delete", args=[stored.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_admin_is_for_staff_only(cast, client_for):
    response = client_for(cast.office).get(reverse("admin:core_activitylog_changelist"))
    assert response.status_code == 302

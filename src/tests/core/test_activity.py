import pytest
from django.db import transaction

from ocop.core.models import ActivityLog
from ocop.core.models.activity import AppendOnlyError
from ocop.core.services.activity import MASK, log_action

pytestmark = pytest.mark.django_db


def test_log_action_records_only_changed_fields_and_masks_secrets(cast):
    with transaction.atomic():
        entry = log_action(
            cast.office,
            "producers.producer.update",
            cast.prod1,
            old={"name": "A", "phone": "1", "password": "x"},
            new={"name": "B", "phone": "1", "password": "y"},
        )
    assert entry.data == {
        "old": {"name": "A", "password": MASK},
        "new": {"name": "B", "password": MASK},
    }
    assert entry.changes == [("name", "A", "B"), ("password", MASK, MASK)]
    assert entry.actor == cast.office
    assert entry.object_repr == "HTX Gốm Bát Tràng"


@pytest.mark.django_db(transaction=True)
def test_log_action_refuses_to_run_outside_a_transaction():
    from tests.factories.producers import ProducerFactory

    producer = ProducerFactory()
    with pytest.raises(RuntimeError):
        log_action(None, "x.y.z", producer)
    assert ActivityLog.objects.count() == 0


def test_activity_log_is_append_only(cast):
    with transaction.atomic():
        entry = log_action(cast.office, "x.y.z", cast.prod1)
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ActivityLog.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        ActivityLog.objects.all().delete()
    assert ActivityLog.objects.get(pk=entry.pk).action == "x.y.z"

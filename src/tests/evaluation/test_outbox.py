"""The bulk result e-mails wait in the outbox until the office releases or discards them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from ocop.core.models import ActivityLog
from ocop.criteria.queries.specs import clear_spec_cache
from ocop.evaluation.enums import DecisionStatus, OutboxStatus
from ocop.evaluation.models import OutboxMessage
from ocop.evaluation.services.decisions import change_decision_status, draft_decision
from ocop.evaluation.services.notifications import send_outbox_messages
from ocop.evaluation.services.outbox import discard_result_mails, release_result_mails
from ocop.evaluation.services.refusals import NotAllowed
from tests.evaluation.results_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_specs(settings):
    # released mails go through send_mail_task: run it at once, at the commit
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    clear_spec_cache()
    yield
    clear_spec_cache()


@pytest.fixture
def published(qd26, cast, django_capture_on_commit_callbacks):
    world = build_world(cast)
    decision = draft_decision(
        actor=cast.office, round=world.round, title="Quyết định công nhận", number="1147/QĐ-UBND"
    )
    with django_capture_on_commit_callbacks(execute=True):
        change_decision_status(
            actor=cast.approver,
            decision=decision,
            to=DecisionStatus.APPROVED,
            signed_on=dt.date(2026, 7, 10),
        )
    mail.outbox.clear()  # transition mails (if any) went at once; result mails wait
    return world


def _results():
    return OutboxMessage.objects.filter(kind="results").order_by("pk")


def test_result_mails_wait_for_review(published):
    assert _results().count() == 6
    assert set(_results().values_list("status", "needs_review")) == {(OutboxStatus.PENDING, True)}
    assert send_outbox_messages() == 0  # the automatic sender never sends them
    assert mail.outbox == []


def test_the_office_releases_the_chosen_mails(published, django_capture_on_commit_callbacks):
    chosen = list(_results().filter(to_email=published.cast.producer1.email))
    with django_capture_on_commit_callbacks(execute=True):
        sent = release_result_mails(actor=published.cast.office, ids=[m.pk for m in chosen])
        assert mail.outbox == []  # queued at the commit, not sent inside the transaction
    assert sent == 2
    assert sorted(message.to for message in mail.outbox) == [
        [published.cast.producer1.email],
        [published.cast.producer1.email],
    ]
    with translation.override("vi"):
        subject = translation.gettext("OCOP evaluation result: %(product)s")
    assert {message.subject for message in mail.outbox} == {
        subject % {"product": "Bình gốm men lam"},
        subject % {"product": "Gốm men rạn cổ"},
    }
    rows = OutboxMessage.objects.filter(pk__in=[m.pk for m in chosen])
    assert set(rows.values_list("status", "reviewed_by")) == {
        (OutboxStatus.SENT, published.cast.office.pk)
    }
    assert _results().filter(status=OutboxStatus.PENDING).count() == 4
    assert ActivityLog.objects.filter(action="evaluation.outbox.release").count() == 2
    # Released twice: nothing more goes.
    assert release_result_mails(actor=published.cast.office, ids=[m.pk for m in chosen]) == 0
    assert len(mail.outbox) == 2


def test_the_office_discards_mails(published):
    ids = list(_results().values_list("pk", flat=True))
    assert discard_result_mails(actor=published.cast.office, ids=ids) == 6
    assert set(_results().values_list("status", flat=True)) == {OutboxStatus.DISCARDED}
    assert release_result_mails(actor=published.cast.office, ids=ids) == 0
    assert mail.outbox == []


@pytest.mark.parametrize("name", ["approver", "producer1", "chair"])
def test_only_the_office_reviews(published, name):
    ids = list(_results().values_list("pk", flat=True))
    with pytest.raises(NotAllowed):
        release_result_mails(actor=getattr(published.cast, name), ids=ids)
    with pytest.raises(NotAllowed):
        discard_result_mails(actor=getattr(published.cast, name), ids=ids)
    assert set(_results().values_list("status", flat=True)) == {OutboxStatus.PENDING}
    assert mail.outbox == []


def test_the_outbox_page_previews_and_sends(
    published, client_for, django_capture_on_commit_callbacks
):
    client = client_for(published.cast.office)
    url = reverse("evaluation:outbox")
    response = client.get(url)
    assert response.status_code == 200
    assert [m.pk for m in response.context["mails"]] == list(
        _results().values_list("pk", flat=True)
    )
    content = response.content.decode()
    assert "Bình gốm men lam" in content and "<details>" in content
    first = _results().first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": [str(first.pk)], "action": "release"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[first.to_email]]
    assert first.pk not in [m.pk for m in client.get(url).context["mails"]]
    response = client.post(url, {"message": [str(first.pk + 1)], "action": "discard"})
    assert OutboxMessage.objects.get(pk=first.pk + 1).status == OutboxStatus.DISCARDED


def test_the_outbox_page_queries_do_not_grow(published, client_for):
    client = client_for(published.cast.office)
    url = reverse("evaluation:outbox")
    with CaptureQueriesContext(connection) as six:
        client.get(url)
    OutboxMessage.objects.filter(kind="results").exclude(pk=_results().first().pk).update(
        status=OutboxStatus.DISCARDED
    )
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    assert len(one.captured_queries) == len(six.captured_queries)


@pytest.mark.parametrize("name", ["approver", "producer1", "chair", "buyer", "outsider"])
def test_nobody_else_opens_the_outbox(published, client_for, name):
    client = client_for(getattr(published.cast, name))
    assert client.get(reverse("evaluation:outbox")).status_code == 404
    ids = [str(pk) for pk in _results().values_list("pk", flat=True)]
    response = client.post(reverse("evaluation:outbox"), {"message": ids, "action": "release"})
    assert response.status_code == 404
    assert mail.outbox == []

import pytest
from django.urls import reverse

from ocop.evaluation.models import SelfAssessment
from ocop.evaluation.services.self_assessment import start_self_assessment

pytestmark = pytest.mark.django_db


def test_self_assessments_are_listed_and_shown_read_only(classified, client_for):
    assessment = start_self_assessment(actor=classified.producer1, product=classified.product1)
    client = client_for(classified.admin)
    listing = client.get(reverse("admin:evaluation_selfassessment_changelist"), {"q": "gốm"})
    assert listing.status_code == 200
    assert [a.code for a in listing.context["cl"].result_list] == [assessment.code]
    detail = client.get(reverse("admin:evaluation_selfassessment_change", args=[assessment.pk]))
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False
    assert 'name="_save"' not in detail.content.decode()


def test_self_assessments_cannot_be_added_or_deleted_in_the_admin(classified, client_for):
    assessment = start_self_assessment(actor=classified.producer1, product=classified.product1)
    client = client_for(classified.admin)
    assert client.get(reverse("admin:evaluation_selfassessment_add")).status_code == 403
    delete = reverse("admin:evaluation_selfassessment_delete", args=[assessment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert SelfAssessment.objects.count() == 1

import pytest
from django.db import transaction
from django.urls import reverse

from ocop.evaluation.models import Notification
from ocop.evaluation.services.notifications import notify

pytestmark = pytest.mark.django_db


def _notify(user, message):
    with transaction.atomic():
        notify([user], message, url="/danh-gia/ho-so/", email=False)


def test_a_user_reads_their_own_notices_and_marks_them_read(cast, client_for):
    _notify(cast.producer1, "Hồ sơ HS1 đã được chuyển lên tỉnh.")
    _notify(cast.producer2, "Thông báo của người khác.")
    client = client_for(cast.producer1)
    page = client.get(reverse("evaluation:notifications"))
    assert [n.message for n in page.context["notices"]] == ["Hồ sơ HS1 đã được chuyển lên tỉnh."]
    assert page.context["unread"] == 1
    assert "Thông báo của người khác." not in page.content.decode()
    response = client.post(reverse("evaluation:notifications_read"))
    assert response.status_code == 302
    assert list(Notification.objects.filter(user=cast.producer1, read_at__isnull=True)) == []
    assert Notification.objects.filter(user=cast.producer2, read_at__isnull=True).count() == 1


def test_the_list_takes_the_same_queries_for_one_and_many(
    cast, client_for, django_assert_num_queries
):
    client = client_for(cast.office)
    _notify(cast.office, "Một")
    client.get(reverse("evaluation:notifications"))  # warm the session and the user
    with django_assert_num_queries(4) as one:
        client.get(reverse("evaluation:notifications"))
    for number in range(6):
        _notify(cast.office, f"Thông báo {number}")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("evaluation:notifications"))
    assert len(page.context["notices"]) == 7


def test_anonymous_visitors_are_sent_to_sign_in(db, client):
    response = client.get(reverse("evaluation:notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_header_links_to_the_notifications(cast, client_for):
    page = client_for(cast.commune).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("evaluation:notifications")}"' in page

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_lists_and_searches_producers_read_only(cast, client_for):
    client = client_for(cast.admin)
    listing = client.get(reverse("admin:producers_producer_changelist"), {"q": "Gốm"})
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [cast.prod1]
    page = client.get(reverse("admin:producers_producer_change", args=[cast.prod1.pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.get(reverse("admin:producers_producer_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:producers_producer_delete", args=[cast.prod1.pk]), {"post": "yes"}
        ).status_code
        == 403
    )

"""The board in the admin: every trade model is listed and shown, read-only (changes go through
the services)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories.trade import BuyerFactory, ConnectionFactory, DemandFactory, OfferFactory

pytestmark = pytest.mark.django_db
MODELS = (
    "buyer",
    "demand",
    "offer",
    "demandnotice",
    "connection",
    "pointofsale",
    "pointofsaleproduct",
    "storelink",
)


def test_every_trade_model_is_in_the_admin_read_only(cast, client_for):
    buyer = BuyerFactory()
    demand = DemandFactory(buyer=buyer)
    offer = OfferFactory()
    connection = ConnectionFactory(buyer=buyer, demand=demand)
    client = client_for(cast.admin)
    for model in MODELS:
        assert client.get(reverse(f"admin:trade_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:trade_{model}_add")).status_code == 403
    for model, obj in (
        ("buyer", buyer),
        ("demand", demand),
        ("offer", offer),
        ("connection", connection),
    ):
        page = client.get(reverse(f"admin:trade_{model}_change", args=[obj.pk]))
        assert page.status_code == 200 and page.context["has_change_permission"] is False

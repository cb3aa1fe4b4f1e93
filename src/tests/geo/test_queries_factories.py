"""Gazetteer queries on hand-made units (no Hà Nội import in this module)."""

from __future__ import annotations

import pytest

from ocop.geo.queries.gazetteer import commune_choices, current_communes
from tests.factories.geo import CommuneFactory, OldCommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_commune_choices_cover_every_province_and_only_current_units():
    CommuneFactory(name="Xã B")
    OldCommuneFactory(name="Xã C")  # ended: never offered
    other = ProvinceFactory(code="79", name="Thành phố Hồ Chí Minh")
    CommuneFactory(name="Phường A", parent=other)
    assert [str(c) for c in commune_choices()] == ["Phường A", "Xã B"]
    assert [str(c) for c in current_communes("79")] == ["Phường A"]

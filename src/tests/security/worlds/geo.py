"""Objects of the geo app for the authorisation matrix (see tests/security/world.py)."""

from __future__ import annotations

from typing import Any

from tests.factories.geo import SuccessionFactory


def build(world: Any) -> None:
    """An old commune merged into commune A on 1/7/2025, so commune A's page lists where it came
    from (the map is public: every role reads it)."""
    succession = SuccessionFactory(successor=world.commune_a)
    world.objects["geo_old_commune"] = succession.predecessor

"""Objects of the core app for the authorisation matrix (see tests/security/world.py).

The core pages (the portal's home, the signed-in dashboard, the health check) and the framework
routes (language, JavaScript catalogue, OpenAPI schema and docs) need nothing of their own."""

from __future__ import annotations

from typing import Any


def build(world: Any) -> None:
    """Nothing to add: the core pages read what the other apps made."""

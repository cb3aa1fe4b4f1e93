"""Public codes: short, unambiguous, never database ids."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes get read aloud and typed from paper.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def generate_code(prefix: str = "", length: int = 8) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return f"{prefix}{body}"


def unique_code(model, prefix: str = "", length: int = 8, field: str = "code") -> str:
    """A code no row of `model` has yet (a collision at 25**8 is rare, but we check)."""
    manager = model._default_manager
    while True:
        code = generate_code(prefix, length)
        if not manager.filter(**{field: code}).exists():
            return code

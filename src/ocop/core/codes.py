"""Public codes: short, unambiguous, never database ids."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes get read aloud and typed from paper.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"

# The source of randomness: the system's (unpredictable) except inside `repeatable_codes`.
_source: random.Random = secrets.SystemRandom()


def generate_code(prefix: str = "", length: int = 8) -> str:
    body = "".join(_source.choice(ALPHABET) for _ in range(length))
    return f"{prefix}{body}"


def unique_code(model, prefix: str = "", length: int = 8, field: str = "code") -> str:
    """A code no row of `model` has yet (a collision at 25**8 is rare, but we check)."""
    manager = model._default_manager
    while True:
        code = generate_code(prefix, length)
        if not manager.filter(**{field: code}).exists():
            return code


@contextmanager
def repeatable_codes(seed: int) -> Iterator[None]:
    """Codes drawn from a seeded generator while the block runs: the demo (`ocop load-demo
    --seed 42`) makes the same codes on every fresh database, so that the links in the README
    (a certificate's verification page) work. Never for real data: real codes must not be
    predictable."""
    global _source
    previous = _source
    _source = random.Random(seed)  # noqa: S311  (the demo's codes are meant to repeat)
    try:
        yield
    finally:
        _source = previous

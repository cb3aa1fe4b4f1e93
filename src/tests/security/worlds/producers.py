"""Objects of the producers app for the authorisation matrix (see tests/security/world.py).

`world.producer_a` (commune A, approved by ProducerFactory's default) is the record read,
edited and suspended. The status actions need a record in their starting state, in the same
commune, so that the right commune officer may act and the other one may not:

- `producers_pending`: a registration waiting for approval (approve, reject);
- `producers_suspended`: a suspended producer (reinstate).
"""

from __future__ import annotations

from typing import Any

from ocop.producers.enums import ProducerStatus
from tests.factories.producers import ProducerFactory


def build(world: Any) -> None:
    world.objects["producers_pending"] = ProducerFactory(
        commune=world.commune_a, name="Tổ hợp tác Mây tre chờ duyệt", status=ProducerStatus.PENDING
    )
    world.objects["producers_suspended"] = ProducerFactory(
        commune=world.commune_a,
        name="Hộ kinh doanh Nón lá đình chỉ",
        status=ProducerStatus.SUSPENDED,
        status_reason="Vi phạm an toàn thực phẩm",
    )

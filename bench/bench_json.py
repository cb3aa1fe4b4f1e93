"""The `--json PATH` output every benchmark script shares: its figures as one JSON object, which
`bench/run_all.py` collects into `bench/results/latest.json`."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 6)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def write_json(path: str | None, figures: dict[str, Any]) -> None:
    """Write `figures` to `path` (nothing when `path` is empty); NaN becomes null."""
    if not path:
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(_clean(figures), indent=2, ensure_ascii=False) + "\n")

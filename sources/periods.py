"""Report months as the German statistics offices write them ("Juni 2023"), shared by the BA's API and files."""

from __future__ import annotations

import re
from typing import Any

from catalog.models import MONTHS

_LABEL = re.compile(r"(\S+)\s+([0-9]{4})")


def report_month(label: Any) -> tuple[str, int] | None:
    """"Juni 2023" -> ("2023", 6); None for any other form (no abbreviations, no numeric months)."""
    match = _LABEL.fullmatch(label.strip()) if isinstance(label, str) else None
    if match is None or match[1] not in MONTHS:
        return None
    return match[2], MONTHS[match[1]]

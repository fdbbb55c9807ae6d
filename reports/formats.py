"""German number, date and period formats for the report: 1.234.567,8 and 31.12.2024."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember")
NO_VALUE = "–"


def number(value: float | None, decimals: int = 0, signed: bool = False) -> str:
    """`value` with a thousands point and a decimal comma (German); NO_VALUE for a missing figure."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_VALUE
    text = f"{value:+,.{decimals}f}" if signed else f"{value:,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−")  # a real minus sign, as in print


def parse_number(text: str) -> float:
    """The inverse of `number` (tests read tables back)."""
    return float(text.replace("−", "-").replace("+", "").replace(".", "").replace(",", "."))


def period(text: str) -> str:
    """A period of the warehouse in German: 2024, 31.12.2024, Oktober 2026, 2. Quartal 2025."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text).strftime("%d.%m.%Y")
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return f"{MONTHS[int(m[2]) - 1]} {m[1]}"
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        return f"{m[2]}. Quartal {m[1]}"
    return text


def timestamp(value: datetime | None) -> str:
    return NO_VALUE if value is None else value.strftime("%d.%m.%Y, %H:%M Uhr")

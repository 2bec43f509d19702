"""Pure rules for premises and customers (no ORM): date-range overlap, unit codes, search text."""

from __future__ import annotations

import datetime
from collections.abc import Iterable


def ranges_overlap(
    a_start: datetime.date,
    a_end: datetime.date | None,
    b_start: datetime.date,
    b_end: datetime.date | None,
) -> bool:
    """Do two inclusive date ranges overlap? ``None`` as an end means "still current"."""
    a_stop = a_end or datetime.date.max
    b_stop = b_end or datetime.date.max
    return a_start <= b_stop and b_start <= a_stop


def unit_code(building_code: str, number: str) -> str:
    """The project-unique code staff read out on the phone: building code, dash, unit number."""
    return f"{building_code}-{number}"


def search_text(parts: Iterable[str | None]) -> str:
    """The lower-cased text a phone/name/unit lookup matches against (one indexed column)."""
    seen: list[str] = []
    for part in parts:
        token = (part or "").strip().lower()
        if token and token not in seen:
            seen.append(token)
    return " ".join(seen)

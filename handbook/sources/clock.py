"""The one place the handbook learns today's date.

Every check and build asks `today()`. Set HANDBOOK_TODAY=YYYY-MM-DD to pretend it is
another day (for tests and for reproducible builds).
"""

from __future__ import annotations

import datetime as dt
import os

from handbook.sources.errors import HandbookError

ENV_VAR = "HANDBOOK_TODAY"


def today() -> dt.date:
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HandbookError(
            f"{ENV_VAR}={value!r} is not a date - write it as YYYY-MM-DD, for example 2026-11-26"
        ) from None


def long_date(day: dt.date) -> str:
    """A date as people write it: 5 October 2026."""
    return f"{day.day} {day:%B %Y}"

"""Which edition a build makes, as the `handbook export` command tells the site build through
environment variables (so MkDocs builds every edition from the same configuration)."""

from __future__ import annotations

import datetime as dt
import os

EDITION_VAR = "HANDBOOK_EDITION"        # "inspector" for the offline copy, "public" for the website
COMMIT_VAR = "HANDBOOK_COMMIT"          # the commit the copy was made from
AS_OF_VAR = "HANDBOOK_AS_OF"            # set for a point-in-time copy
MADE_ON_VAR = "HANDBOOK_MADE_ON"        # a point-in-time copy: the day it is really made (its "today" is the day it shows)
DRAFT_VAR = "HANDBOOK_DRAFT_COPY"       # "1" for a draft copy: drafts included, every page marked
SIGNED_VAR = "HANDBOOK_COPY_SIGNED_BY"  # the fingerprint of the key that signs the copy; empty when unsigned
HOME_VAR = "HANDBOOK_HOME"              # a provider's handbook: the home whose edition is built (homes/<id>)


def inspector_edition() -> bool:
    return os.environ.get(EDITION_VAR, "") == "inspector"


def public_edition() -> bool:
    """The public website's edition: the Statement of Purpose and the documents marked
    `website: true`, approved ones only, without the facts and passages the home withholds."""
    return os.environ.get(EDITION_VAR, "") == "public"


def draft_copy() -> bool:
    return inspector_edition() and os.environ.get(DRAFT_VAR, "") == "1"


def edition_name() -> str:
    if inspector_edition():
        return "inspector"
    return "public" if public_edition() else "staff"


def copy_commit() -> str:
    return os.environ.get(COMMIT_VAR, "unknown")


def as_of_day() -> str | None:
    return os.environ.get(AS_OF_VAR) or None


def copy_made_on(today: dt.date) -> dt.date:
    """The day an inspector copy is made. A point-in-time copy is checked and built as if
    `today` were the day it shows (so its review dates read as they did then); the day it
    is really made comes from the export that started it."""
    made = os.environ.get(MADE_ON_VAR) if as_of_day() else None
    return dt.date.fromisoformat(made) if made else today


def copy_signed_by() -> str | None:
    """The fingerprint of the home's key that signs this copy, or None for an unsigned copy."""
    return os.environ.get(SIGNED_VAR) or None


def home_id() -> str | None:
    """The home of a provider whose edition is built (HANDBOOK_HOME), or None for a single home."""
    return os.environ.get(HOME_VAR, "").strip() or None

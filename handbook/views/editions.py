"""The two editions of the site: the staff intranet (everything, with status and how-to
pages) and the inspectors' offline copy (approved documents for inspectors only, stamped
with when and from what it was made). `handbook export` asks for the inspector edition
through environment variables, so MkDocs builds it with the same configuration."""

from __future__ import annotations

import datetime as dt

from handbook.model.handbook import Handbook
from handbook.sources.clock import long_date
from handbook.sources.edition import as_of_day, copy_commit, copy_signed_by, draft_copy
from handbook.views.templating import render

DRAFT_MARK = "Draft: facts still to confirm"

# Pages in docs/ that only make sense on the intranet.
STAFF_ONLY_PAGES = ("status.md", "how-to/")
COPY_PAGE = "inspector-copy.md"
VALID_AS_OF_SCRIPT = "assets/javascripts/valid-as-of.js"


def staff_only(src_uri: str) -> bool:
    return any(src_uri == page or src_uri.startswith(page) for page in STAFF_ONLY_PAGES)


def earliest_next_review(handbook: Handbook) -> dt.date | None:
    reviews = [d.next_review for d in handbook.documents if d.in_force and d.next_review]
    return min(reviews) if reviews else None


def _made(handbook: Handbook) -> str:
    as_of = as_of_day()
    return (f"As in force on {long_date(dt.date.fromisoformat(as_of))}" if as_of
            else f"Inspector copy made on {long_date(handbook.today)}")


def copy_stamp(handbook: Handbook, copy_link: str) -> str:
    """The notice on every page of the inspector copy. A small script compares the
    earliest next-review date with the reader's clock, so a stale copy says so offline."""
    return render("copy_stamp.md", made=_made(handbook), reference=copy_commit()[:12], draft=draft_copy(),
                  draft_mark=DRAFT_MARK, home=str(handbook.home.facts["name"]), copy_link=copy_link,
                  earliest=earliest_next_review(handbook))


def copy_page(handbook: Handbook) -> str:
    """"About this copy", for the inspector: what the copy holds, when and from what it was
    made, and how the home can show it has not been changed since."""
    as_of = as_of_day()
    return render("copy_page.md", home=str(handbook.home.facts["name"]), today=handbook.today,
                  reference=copy_commit(), as_of=dt.date.fromisoformat(as_of) if as_of else None,
                  draft=draft_copy(), draft_mark=DRAFT_MARK, signed_by=copy_signed_by(),
                  documents=sorted(handbook.documents, key=lambda d: d.title.lower()))

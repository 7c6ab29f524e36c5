"""The two editions of the site: the staff intranet (everything, with status and how-to
pages) and the inspectors' offline copy (approved documents for inspectors only, stamped
with when and from what it was made). `handbook export` asks for the inspector edition
through environment variables, so MkDocs builds it with the same configuration."""

from __future__ import annotations

import datetime as dt

from handbook.model.handbook import Handbook
from handbook.sources.clock import long_date
from handbook.sources.edition import as_of_day, copy_commit, copy_signed_by, draft_copy

DRAFT_MARK = "Draft: facts still to confirm"

# Pages in docs/ that only make sense on the intranet.
STAFF_ONLY_PAGES = ("status.md", "how-to/")
COPY_PAGE = "inspector-copy.md"
VALID_AS_OF_SCRIPT = "assets/javascripts/valid-as-of.js"


def staff_only(src_uri: str) -> bool:
    return any(src_uri == page or src_uri.startswith(page) for page in STAFF_ONLY_PAGES)


def earliest_next_review(handbook: Handbook):
    reviews = [d.next_review for d in handbook.documents if d.in_force and d.next_review]
    return min(reviews) if reviews else None


def copy_stamp(handbook: Handbook, copy_link: str) -> str:
    """The notice on every page of the inspector copy. A small script compares the
    earliest next-review date with the reader's clock, so a stale copy says so offline."""
    commit = copy_commit()[:12]
    as_of = as_of_day()
    made = (f"As in force on {long_date(_date(as_of))}" if as_of
            else f"Inspector copy made on {long_date(handbook.today)}")
    earliest = earliest_next_review(handbook)
    due = f' data-earliest-review="{earliest.isoformat()}"' if earliest else ""
    later = (f" The first document in it is due for review on {long_date(earliest)}." if earliest else "")
    draft = (f"**{DRAFT_MARK}.** This copy includes documents nobody has approved yet and facts the home "
             "has not confirmed; it is not the handbook the home stands behind.\n\n") if draft_copy() else ""
    return (f'<div class="copy-stamp admonition {"warning" if draft else "info"}" markdown data-search-exclude{due}>'
            f"\n\n{draft}**{made}, from commit {commit}.** This is a copy of the {handbook.home.facts['name']} handbook "
            f"for inspectors.{later} See [about this copy]({copy_link}) to check it has not been changed.\n\n"
            '<p class="copy-stamp__stale" hidden><strong>This copy may be out of date:</strong> today is after '
            f"{long_date(earliest) if earliest else ''}, when a document in it was due for review. "
            "Ask the home for a current copy.</p>\n\n</div>\n\n")


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def copy_page(handbook: Handbook) -> str:
    """The readable manifest: what this copy holds, when and from what it was made."""
    commit = copy_commit()
    as_of = as_of_day()
    lines = ["# About this copy", "",
             f"This copy of the {handbook.home.facts['name']} handbook was made for inspectors on "
             f"{long_date(handbook.today)}, from commit `{commit}` of the handbook's repository.", ""]
    if as_of:
        lines += [f"It shows the handbook **as in force on {long_date(_date(as_of))}**.", ""]
    if draft_copy():
        lines += [f"**{DRAFT_MARK}.** It holds the documents meant for inspectors, approved or still in draft; "
                  "each draft says so at the top of its page. Facts the home has not confirmed yet show as "
                  "\"[to confirm: ...]\". Retired documents and documents for staff only are not included.", ""]
    else:
        lines += ["It holds the approved documents meant for inspectors. Drafts, retired documents and "
                  "documents for staff only are not included.", ""]
    lines += [
              "| Document | Version | Approved | Last reviewed | Next review |", "| --- | --- | --- | --- | --- |"]
    for d in sorted(handbook.documents, key=lambda d: d.title.lower()):
        lines.append(f"| [{d.title}]({d.path}) | {d.version} | "
                     + (f"{long_date(d.approved_on)} |" if d.approved_on else "Draft: not yet approved |")
                     + (f" {long_date(d.last_reviewed)} | {long_date(d.next_review)} |" if d.last_reviewed
                        else " - | - |"))
    lines += ["", "## Checking the copy", "",
              "The file `manifest.json` beside `index.html` lists the SHA-256 checksum of every file in this copy, "
              "with the commit and the date it was made. Anyone with the handbook's tools can check that nothing "
              "was added, removed or changed:", "", "```sh", "handbook verify <the zip file>", "```", "",
              "The manifest also holds the checksum of the PDF made with this copy; `handbook verify` checks the "
              "PDF too when it lies beside the zip.", ""]
    signed_by = copy_signed_by()
    if signed_by:
        lines += [f"**This copy is signed** with the home's key (fingerprint `{signed_by}`): the signature in "
                  "`manifest.json.sig` covers `manifest.json`, so a copy changed after it was made, on purpose or "
                  "by accident, does not verify. `handbook verify` checks the signature against the home's public "
                  "key, the file `data/inspector-copy-key.pub` in the handbook's repository; confirm its "
                  "fingerprint with the home.", ""]
    else:
        lines += ["**This copy is not signed.** `handbook verify` shows that nothing changed by accident, but not "
                  "that nobody changed it on purpose: whoever changes a page can also change its checksum in "
                  "`manifest.json`. Ask the home for a signed copy when that matters.", ""]
    return "\n".join(lines)

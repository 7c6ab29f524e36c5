"""Reviews on time. (Dates that could not have happened, before 2000 or after today, are found
while loading: see handbook/loading/validation.py.)"""

from __future__ import annotations

from handbook.checks.common import valid_documents
from handbook.model.documents import DUE_SOON_DAYS
from handbook.model.findings import Finding, error, warning
from handbook.model.handbook import Handbook
from handbook.sources.clock import long_date


def check_reviews(handbook: Handbook) -> list[Finding]:
    findings = []
    for document in valid_documents(handbook):
        if document.status != "approved":
            continue
        due = document.next_review  # worked out once: it adds months to a date (dateutil)
        if due is None or document.last_reviewed is None:
            continue
        every = f"every {document.review_every_months} month{'s' if document.review_every_months != 1 else ''}"
        basis = f"last reviewed {long_date(document.last_reviewed)}, {every}"
        line = document.line_of("last_reviewed")
        if due < handbook.today:
            findings.append(error(
                "review-overdue", document.path,
                f"review overdue since {long_date(due)} ({basis}). Owner: {document.owner}",
                "review the document; if nothing needs changing, set last_reviewed to the review date and add a changes "
                "entry with the same version, review_only: true and a summary such as \"Reviewed; no changes "
                "needed\"; if it changes, raise the version and record the change and its approval",
                field="last_reviewed", line=line))
        elif (due - handbook.today).days <= DUE_SOON_DAYS:
            findings.append(warning(
                "review-due-soon", document.path,
                f"review due on {long_date(due)}, in {(due - handbook.today).days} days ({basis}). "
                f"Owner: {document.owner}",
                "plan the review before that date", field="last_reviewed", line=line))
    return findings


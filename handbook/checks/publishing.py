"""Who a document is published to: a document written for staff alone never goes on the home's
public website."""

from __future__ import annotations

from handbook.checks.common import valid_documents
from handbook.model.findings import Finding, error
from handbook.model.handbook import Handbook


def check_public_documents(handbook: Handbook) -> list[Finding]:
    """`website: true` publishes a document to anyone; its audience must say it is for more
    than staff (a staff procedure marked for the website by one line would be published)."""
    return [error("website", document.path,
                  "the document is for staff only (audience: [staff]), but website: true would publish it on the "
                  "home's public website",
                  "remove website: true, or add to audience the readers outside the home it is written for",
                  field="website", line=document.line_of("website"))
            for document in valid_documents(handbook)
            if document.on_website and set(document.audience) <= {"staff"}]

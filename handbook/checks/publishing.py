"""Who a document is published to: a document written only for the home's staff and its
inspectors never goes on the home's public website."""

from __future__ import annotations

from handbook.checks.common import valid_documents
from handbook.model.findings import Finding, error
from handbook.model.handbook import Handbook

INTERNAL_READERS = frozenset({"staff", "inspectors"})


def check_public_documents(handbook: Handbook) -> list[Finding]:
    """`website: true` publishes a document to anyone; its audience must name readers outside
    the home and its inspectors (a staff procedure marked for the website by one line would
    be published). The Statement of Purpose is published whoever it names (regulation 16(4))."""
    return [error("website", document.path,
                  f"the document is for {' and '.join(document.audience)} only, but website: true would publish it on "
                  "the home's public website",
                  "remove website: true, or add to audience the readers it is written for (children, families, "
                  "professionals)", field="website", line=document.line_of("website"))
            for document in valid_documents(handbook)
            if document.kind != "statement-of-purpose" and document.on_website
            and set(document.audience) <= INTERNAL_READERS]

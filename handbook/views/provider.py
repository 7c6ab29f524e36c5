"""A provider's handbook: what each home's edition shows that a single home's does not.

- `relink`: in a home's edition, a link in a page follows the handbook's shape, so a provider
  policy's link to ../statement-of-purpose/statement-of-purpose.md leads to this home's own
  Statement of Purpose (see Handbook.linked_document). A link never leads to another home's page.
- `provider_summary` and `provider_page`: every home side by side, for the Responsible Individual
  and the provider's quality lead (a staff page, never in an inspector copy); `provider_json`
  for `handbook check --format json`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from handbook.checks.provider import ProviderCheck
from handbook.model.findings import Finding
from handbook.model.handbook import Handbook
from handbook.model.provider import urn_label
from handbook.views.templating import link_from, render

PROVIDER_PAGE = "provider.md"
PROVIDER_TITLE = "The provider's homes"

# A Markdown link's or an HTML attribute's destination: ](dest "title") or href="dest" / src="dest".
_DESTINATION = re.compile(r"(\]\(\s*<?|\b(?:href|src)\s*=\s*[\"'])([^\s)\"'<>]+)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def relink(handbook: Handbook, page_path: str, markdown: str) -> str:
    """The page's Markdown with each link to a document put where this home's edition has it."""
    if handbook.home_id is None:
        return markdown

    def moved(match: re.Match) -> str:
        destination = match.group(2)
        if _SCHEME.match(destination) or destination.startswith(("#", "/")):
            return match.group(0)
        path, hash_, anchor = destination.partition("#")
        if not path.endswith(".md"):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), unquote(path)))
        found = handbook.linked_document(target)
        if found is None or found == target:
            return match.group(0)  # the build names a link that leads nowhere
        return match.group(1) + link_from(page_path, found) + hash_ + anchor

    return _DESTINATION.sub(moved, markdown)


@dataclass(frozen=True)
class HomeSummary:
    id: str
    name: str
    urn: str
    stage: str
    errors: list[Finding]
    overdue: list[Finding]
    due_soon: list[Finding]
    without_document: list[Finding]     # regulations with no (approved) document
    to_confirm: list[tuple[str, str]]   # (place in the facts, what is needed)
    notices: list[Finding]              # Statement of Purpose revisions not yet notified to Ofsted


def provider_summary(provider: ProviderCheck) -> list[HomeSummary]:
    summaries = []
    for home_id, handbook in provider.homes.items():
        findings = handbook.findings

        def of(*checks: str, found: list[Finding] = findings) -> list[Finding]:
            return [f for f in found if f.check in checks]

        summaries.append(HomeSummary(
            home_id, str(handbook.home.facts["name"]), _urn(handbook), handbook.home.registration.stage,
            handbook.errors, of("review-overdue"), of("review-due-soon"),
            of("required-regulation", "expected-regulation"), handbook.home.placeholders,
            of("ofsted-notification")))
    return summaries


def _urn(handbook: Handbook) -> str:
    urn = urn_label(handbook.home)
    return "none yet" if urn == "applying" else urn


def provider_page(provider: ProviderCheck) -> str:
    """Every home side by side, then each home's details (no links: the other homes' pages are
    not in this edition)."""
    return render("provider.md", today=provider.today, homes=provider_summary(provider),
                  merged=[f for f in provider.findings if len(f.homes) > 1 and f.is_error])


def provider_json(provider: ProviderCheck) -> dict:
    """`handbook check --format json` for a provider: the findings once, and each home's own."""
    return {
        "today": provider.today.isoformat(),
        "errors": len(provider.errors),
        "warnings": len(provider.warnings),
        "findings": [f.to_dict() for f in provider.findings],
        "homes": {s.id: {
            "name": s.name, "ofsted_urn": None if s.urn == "none yet" else s.urn, "registration": s.stage,
            "errors": len(s.errors),
            "warnings": len(provider.homes[s.id].warnings),
            "reviews_overdue": [f.path for f in s.overdue],
            "reviews_due_soon": [f.path for f in s.due_soon],
            "regulations_without_document": [f.field for f in s.without_document],
            "facts_to_confirm": [where for where, _ in s.to_confirm],
            "statement_of_purpose_notices_waiting": [f.to_dict() for f in s.notices],
            "findings": [f.to_dict() for f in provider.homes[s.id].findings],
        } for s in provider_summary(provider)},
    }

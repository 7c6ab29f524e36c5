"""Every check on the handbook, written once, one module per family. Each check is a pure
function of the loaded handbook that returns findings; `load_and_check` loads (reading,
validating and rendering every document) and then runs them all, in this order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from handbook.checks.content_policy import check_content_policy
from handbook.checks.dates import check_reviews
from handbook.checks.files import check_files
from handbook.checks.home_facts import check_home_facts
from handbook.checks.ofsted import check_ofsted_notification
from handbook.checks.phone_numbers import check_phone_numbers
from handbook.checks.publishing import check_public_documents
from handbook.checks.regulations import check_coverage, check_registry_evidence, check_regulation_references
from handbook.checks.section_maps import check_section_maps
from handbook.checks.site_page_front_matter import check_site_page_front_matter
from handbook.checks.versions import check_approvals, check_unique_ids, check_versions
from handbook.loading import load
from handbook.model.findings import Finding, sort_key
from handbook.model.handbook import Handbook

Check = Callable[[Handbook], list[Finding]]

CHECKS: tuple[Check, ...] = (
    check_versions, check_approvals, check_unique_ids, check_regulation_references,
    check_reviews, check_coverage, check_section_maps, check_ofsted_notification, check_home_facts,
    check_registry_evidence, check_phone_numbers, check_content_policy, check_files, check_site_page_front_matter,
    check_public_documents,
)


def check_handbook(handbook: Handbook) -> list[Finding]:
    """Every check's findings on a loaded handbook, errors first."""
    return sorted((finding for check in CHECKS for finding in check(handbook)), key=sort_key)


def load_and_check(root: Path, today: dt.date, home_id: str | None = None) -> Handbook:
    """Load once, check once: the single entry point every view uses (MkDocs, the `handbook`
    command, the export and the tests). For a provider, `home_id` names the home's edition
    (handbook/checks/provider.py checks every home)."""
    handbook, loading_findings = load(root, today, home_id)
    handbook.findings = sorted(loading_findings + check_handbook(handbook), key=sort_key)
    return handbook

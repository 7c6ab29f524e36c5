"""Loading: read the registry, the home's facts, the topics and every governed document;
validate each document's front matter; render each page once in the sandbox. What loading
learns (which documents are valid, their rendered text, the facts still to confirm each page
prints) is set here, once; the checks then only read the loaded handbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from handbook.loading.rendering import render_pages
from handbook.loading.validation import check_readable, validate_front_matter
from handbook.model.findings import Finding
from handbook.model.handbook import Handbook, load_handbook


def load(root: Path, today: dt.date, home_id: str | None = None) -> tuple[Handbook, list[Finding]]:
    """The loaded handbook (of one home, for a provider), and the findings about documents that
    could not be read, validated or rendered. Raises HandbookError if a data file cannot be used."""
    handbook = load_handbook(root, today, home_id)
    findings = check_readable(handbook) + validate_front_matter(handbook) + render_pages(handbook)
    return handbook, findings

"""Load once, check once: the single entry point every view uses (MkDocs, the
`handbook` command, the export and the tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from .documents import Document, FrontMatterProblem, governed_paths, read_document
from .findings import Finding
from .home import Home, load_home, load_tags
from .registry import Registry, load_registry


@dataclass
class Handbook:
    root: Path
    today: dt.date
    documents: list[Document]
    registry: Registry
    home: Home
    tags: list[str]
    unreadable: dict[str, FrontMatterProblem] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    withheld: list[Document] = field(default_factory=list)  # documents left out of this edition

    def for_inspectors(self) -> "Handbook":
        """The inspectors' edition: approved documents whose audience includes inspectors.
        Drafts, retired and staff-only documents are left out entirely."""
        shown = [d for d in self.documents if d.in_force and "inspectors" in d.audience]
        return replace(self, documents=shown, withheld=[d for d in self.documents if d not in shown])

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    def document(self, path: str) -> Document | None:
        return next((d for d in self.documents if d.path == path), None)

    def findings_for(self, path: str) -> list[Finding]:
        return [f for f in self.findings if f.path == path]

    def documents_serving(self, key: str) -> list[Document]:
        """Documents whose front matter cites the registry entry `key` (any status)."""
        return [d for d in self.documents if d.valid and any(
            (reg := self.registry.resolve(c)) is not None and reg.key == key for c in d.regulations)]


def load_handbook(root: Path, today: dt.date) -> Handbook:
    """Read the registry, home facts, tags and every governed document. Raises
    HandbookError if a data file cannot be used at all."""
    root = Path(root).resolve()
    registry = load_registry(root)
    home = load_home(root)
    tags = load_tags(root)
    documents, unreadable = [], {}
    for path in governed_paths(root):
        document, problem = read_document(root, path)
        documents.append(document)
        if problem is not None:
            unreadable[document.path] = problem
    return Handbook(root, today, documents, registry, home, tags, unreadable)


def load_and_check(root: Path, today: dt.date) -> Handbook:
    from .checks import check_handbook

    handbook = load_handbook(root, today)
    handbook.findings = check_handbook(handbook)
    return handbook

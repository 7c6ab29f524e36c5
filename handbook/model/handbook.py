"""Load once, check once: the single entry point every view uses (MkDocs, the
`handbook` command, the export and the tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from handbook.model.documents import FRONT_MATTER, SITE_FOLDERS, Document, FrontMatterProblem, governed_paths, read_document
from handbook.model.findings import Finding, WithFindings
from handbook.model.home import Home, load_home, load_tags
from handbook.model.provider import HOMES_DIR, home_ids, home_of, is_provider, load_home_edition, shared_path
from handbook.model.registry import Registry, Regulation, load_registry
from handbook.sources.edition import edition_name
from handbook.sources.errors import HandbookError
from handbook.sources.files import SourceFile, files_under
from handbook.sources.yaml_files import BOM

DOCS_DIR = "docs"


@dataclass
class Handbook(WithFindings):
    root: Path
    today: dt.date
    documents: list[Document]
    registry: Registry
    home: Home
    tags: list[str]
    unreadable: dict[str, FrontMatterProblem] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    withheld: list[Document] = field(default_factory=list)  # documents left out of this edition
    # path -> the facts still to confirm (their places in data/home.yml) that the page prints
    printed: dict[str, set[str]] = field(default_factory=dict)
    # The site's own pages in docs/: "docs/index.md" -> (its Markdown without front matter, the
    # file line that text starts on); and every file in docs/, relative to docs/ ("assets/x.css").
    site_pages: dict[str, tuple[str, int]] = field(default_factory=dict)
    site_front_matter: dict[str, str] = field(default_factory=dict)  # "docs/index.md" -> its front matter, as written
    site_files: set[str] = field(default_factory=set)
    # every file in the folders the site is built from (documents, pages, assets, templates)
    files: list[SourceFile] = field(default_factory=list)
    home_id: str | None = None  # the home of a provider this edition is for (None: a single home's handbook)
    # The edition this is, which a page's {{ edition }} reads: as loaded, the one the build makes
    # (HANDBOOK_EDITION, "staff" unset); for_inspectors and for_website make their own. The PDF
    # is made outside the build, so it must not read the environment.
    edition: str = field(default_factory=edition_name)

    def for_inspectors(self, drafts: bool = False) -> Handbook:
        """The inspectors' edition: approved documents whose audience includes inspectors.
        Retired and staff-only documents are left out entirely, and drafts too unless this is
        a draft copy (for a home still applying for registration), where each is marked."""
        shown = [d for d in self.documents if "inspectors" in d.audience
                 and (d.in_force or (drafts and d.valid and d.status == "draft"))]
        return replace(self, documents=shown, withheld=[d for d in self.documents if d not in shown],
                       edition="inspector")

    def for_website(self) -> Handbook:
        """The public edition: approved documents published on the website (the Statement of
        Purpose and those marked `website: true`), with the facts the home keeps off the
        website replaced by a stand-in. Drafts, retired and staff documents are left out."""
        shown = [d for d in self.documents if d.in_force and d.on_website]
        return replace(self, documents=shown, withheld=[d for d in self.documents if d not in shown],
                       home=self.home.for_website(), edition="public")

    def placeholders_shown(self) -> dict[str, list[str]]:
        """Facts still to confirm that this edition's documents print: place -> documents."""
        shown: dict[str, list[str]] = {}
        for document in self.documents:
            for where in sorted(self.printed.get(document.path, ())):
                shown.setdefault(where, []).append(document.path)
        return shown

    def counts_for_coverage(self, document: Document) -> bool:
        """Approved documents serve the law. While the home is applying for registration, its
        drafts do too: they are what it will ask its Responsible Individual to approve."""
        if document.in_force:
            return True
        return document.valid and document.status == "draft" and not self.home.registration.registered

    def serving_in_force(self, regulation: Regulation) -> list[Document]:
        """The documents that count for a regulation: of the right kind, and in force (or,
        while the home is applying, drafts)."""
        return [d for d in self.documents_serving(regulation.key)
                if self.counts_for_coverage(d) and (not regulation.kind or d.kind == regulation.kind)]

    def document(self, path: str) -> Document | None:
        return self._by_path.get(path)

    def linked_document(self, target: str) -> str | None:
        """The document a link to `target` (a path from the repository root) leads to in this
        edition. In a provider's home edition, links follow the handbook's shape: a link to
        statement-of-purpose/statement-of-purpose.md leads to the home's own Statement of Purpose,
        and one to policies/x.md to the home's replacement of x.md, if it has one. A link never
        leads to another home's document, nor through another home's folder to the provider's. In
        an edition that leaves documents out (`withheld`), a link to one of them leads to where it
        is, for the build to turn into its words."""
        if self.home_id is None or target in self._by_path:
            return target if target in self._by_path else None
        if home_of(target) not in (None, self.home_id):
            return None
        return self._by_shared_path.get(shared_path(target))

    def findings_for(self, path: str) -> list[Finding]:
        return [f for f in self.findings if f.path == path]

    def documents_serving(self, key: str) -> list[Document]:
        """Documents whose front matter cites the registry entry `key` (any status)."""
        return self._serving.get(key, [])

    # Indexes, built on first use: the documents never change once loaded, and a provider's
    # handbook can hold thousands of them. `_serving` is first used by the coverage check,
    # after the front-matter check has marked which documents are valid.
    @cached_property
    def _by_path(self) -> dict[str, Document]:
        return {d.path: d for d in self.documents}

    @cached_property
    def _by_shared_path(self) -> dict[str, str]:
        return {shared_path(d.path): d.path for d in self.documents + self.withheld}

    @cached_property
    def _serving(self) -> dict[str, list[Document]]:
        index: dict[str, list[Document]] = {}
        for document in self.documents:
            if not document.valid:
                continue
            keys = {reg.key for c in document.regulations if (reg := self.registry.resolve(c)) is not None}
            for key in keys:
                index.setdefault(key, []).append(document)
        return index


def load_handbook(root: Path, today: dt.date, home_id: str | None = None) -> Handbook:
    """Read the registry, home facts, tags and every governed document. Raises
    HandbookError if a data file cannot be used at all. In a provider's handbook (homes/),
    `home_id` names the home whose edition this is: its facts and its documents only."""
    root = Path(root).resolve()
    registry = load_registry(root)
    if home_id is None and is_provider(root):
        ids = home_ids(root)
        raise HandbookError(f"{HOMES_DIR}/: this handbook has {len(ids)} home{'s' if len(ids) != 1 else ''} "
                            f"({', '.join(ids)}) - name the one to build or export: make build HOME_ID={ids[0]}, "
                            f"HANDBOOK_HOME={ids[0]} mkdocs build, or handbook export --home {ids[0]}")
    edition = load_home_edition(root, home_id) if home_id is not None else None
    home = edition.home if edition else load_home(root)
    tags = load_tags(root)
    documents, unreadable = [], {}
    for path in (edition.paths if edition else governed_paths(root)):
        document, problem = read_document(root, path)
        documents.append(document)
        if problem is not None:
            unreadable[document.path] = problem
    site_files = _site_files(root / DOCS_DIR)
    site_pages, site_front_matter = {}, {}
    for relative in sorted(f for f in site_files if f.endswith(".md")):
        try:
            text = (root / DOCS_DIR / relative).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # MkDocs names a page it cannot read itself
        body, first_line, front = split_site_page(text)
        site_pages[f"{DOCS_DIR}/{relative}"] = (body, first_line)
        if front is not None:
            site_front_matter[f"{DOCS_DIR}/{relative}"] = front
    folders = SITE_FOLDERS + (edition.site_folders if edition else ())
    return Handbook(root, today, documents, registry, home, tags, unreadable, site_pages=site_pages,
                    site_front_matter=site_front_matter, site_files=site_files, files=files_under(root, folders),
                    home_id=home_id)


def split_site_page(text: str) -> tuple[str, int, str | None]:
    """A page in docs/: (its text as MkDocs renders it, without front matter; the file line that
    text starts on; its front matter as written, or None)."""
    text = text.removeprefix(BOM).replace("\r\n", "\n")
    match = FRONT_MATTER.match(text)
    if not match:
        return text, 1, None
    return text[match.end():], text[:match.end()].count("\n") + 1, match.group(1)


def _site_files(docs: Path) -> set[str]:
    """The files in docs/ (not hidden ones, not symbolic links), relative to docs/."""
    if not docs.is_dir():
        return set()
    return {path.relative_to(docs).as_posix() for path in docs.rglob("*")
            if path.is_file() and not path.is_symlink()
            and not any(part.startswith(".") for part in path.relative_to(docs).parts)}

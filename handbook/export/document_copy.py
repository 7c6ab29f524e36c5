"""One document alone as a PDF: the copy of the Statement of Purpose sent to Ofsted (regulation
16(3)) or given to a placing authority, or of any policy asked for. Its cover gives the
version, the approval and the date; its file name says whose, which document, which version
and which day. The same gates as the inspector copy: the handbook's errors, a draft, or a fact
still to confirm refuse it (unless a draft copy is asked for); nothing is written then."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from handbook.checks import load_and_check
from handbook.checks.content_policy import check_content_policy
from handbook.checks.provider import check_home
from handbook.export.bundle import COPY_SOURCES, ExportRefused, git_commit
from handbook.export.pdf import COVER, cover_placeholders, document_html, write_pdf
from handbook.model.documents import Document
from handbook.model.handbook import DOCS_DIR, Handbook
from handbook.sources.clock import long_date
from handbook.sources.errors import HandbookError
from handbook.sources.git import head_commit, uncommitted
from handbook.views.editions import DRAFT_MARK, document_copy_name


def _draft_mark(document: Document, draft: bool) -> str:
    """What the copy says on every page when it is not a final copy; "" when it is."""
    if not document.in_force:
        return "Draft: not yet approved"
    return DRAFT_MARK if draft else ""


def document_pdf(handbook: Handbook, document: Document, path: Path, draft: bool = False,
                 booklet: bool = False) -> None:
    """Write the PDF of `document` to `path` (raises RefusedInPdf, nothing written, as the
    inspector copy's PDF does). Its pictures come from docs/assets, as on the site. Like the
    inspector copy's PDF, it is the inspector edition ({{ edition }} reads "inspector")."""
    handbook = dataclasses.replace(handbook, edition="inspector")
    with tempfile.TemporaryDirectory(prefix="handbook-copy-") as folder:
        site = Path(folder)
        assets = handbook.root / DOCS_DIR / "assets"
        if assets.is_dir():
            shutil.copytree(assets, site / "assets", symlinks=True)
        reference = head_commit(handbook.root)
        if reference is not None and uncommitted(handbook.root, COPY_SOURCES):
            reference = None  # made from changes not committed (a preview): it names no commit that does not hold it
        mark = _draft_mark(document, draft)
        made = f"Copy made on {long_date(handbook.today)}"
        stamp = f"{mark}. {made}" if mark else made
        write_pdf(handbook, reference or "", stamp, path, site,
                  source=document_html(handbook, document, reference[:12] if reference else None, stamp, site,
                                       booklet=booklet, draft_mark=mark))


def _checked(root: Path, today: dt.date, home_id: str | None) -> Handbook:
    """The handbook checked, as the inspector copy checks it: a provider's home by its id."""
    return check_home(root, today, home_id) if home_id else load_and_check(root, today)


def document_copy(root: Path, dist: Path, today: dt.date, document_id: str, draft: bool = False,
                  booklet: bool = False, home_id: str | None = None) -> Path:
    """Check the handbook, then make the PDF of one document in `dist`. Raises HandbookError
    or ExportRefused, saying why, and leaves dist/ as it was."""
    return _copy_of(_checked(root, today, home_id), dist, document_id, draft, booklet)


def _copy_of(full: Handbook, dist: Path, document_id: str, draft: bool, booklet: bool) -> Path:
    """The PDF of one document of the checked handbook `full`, behind the gates above."""
    document = next((d for d in full.documents if d.valid and d.id == document_id), None)
    if document is None:
        ids = ", ".join(sorted(d.id for d in full.documents if d.valid))
        raise HandbookError(f"--document {document_id}: no document has that id - use one of: {ids}")
    if full.errors:
        raise ExportRefused(full.errors, f"the handbook has {len(full.errors)} error(s); nothing was exported - "
                                         "fix them first")
    # The copy is the inspector edition (document_pdf); the check above read the edition this
    # command runs in, so what a page prints only for inspectors is checked here.
    shown_to_inspectors = [f for f in check_content_policy(dataclasses.replace(full, edition="inspector"))
                           if f.is_error and f.path == document.path]
    if shown_to_inspectors:
        raise ExportRefused(shown_to_inspectors, f"{document.path}: the copy, as inspectors are shown it, has "
                                                 f"{len(shown_to_inspectors)} error(s); nothing was exported - fix "
                                                 "them first")
    if document.status == "retired":
        raise HandbookError(f"{document.path}: {document.title} is retired - a retired document is not sent as a "
                            "copy of what is in force")
    if not draft and not document.in_force:
        raise HandbookError(f"{document.path}: version {document.version} of {document.title} is not approved yet; "
                            "nothing was exported - approve it first, or make a draft copy with --draft")
    printed = sorted(full.printed.get(document.path, ())) + [f"{where}, on {COVER}" for where in cover_placeholders(full)]
    if printed and not draft:
        raise HandbookError(f"{document.path}: the copy would show facts still to confirm ({', '.join(printed)}); "
                            "nothing was exported - confirm them in data/home.yml, or make a draft copy with --draft")
    if head_commit(full.root) is not None:
        git_commit(full.root)  # the copy names that commit: its files must be the commit's
    name = document_copy_name(full, document, draft=draft or not document.in_force, booklet=booklet)
    dist.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".copy-", dir=dist))
    try:
        document_pdf(full, document, work / name, draft, booklet)
        os.replace(work / name, dist / name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dist / name


def childrens_guide_booklet(root: Path, dist: Path, today: dt.date, draft: bool = False,
                            home_id: str | None = None) -> Path | None:
    """The children's guide as an A5 booklet for a child to keep, made beside the inspector copy
    with the same gates; None when the handbook has no children's guide that copy would hold."""
    full = _checked(root, today, home_id)
    guide = next((d for d in full.for_inspectors(drafts=draft).documents if d.kind == "childrens-guide"), None)
    return None if guide is None else _copy_of(full, dist, guide.id, draft, booklet=True)

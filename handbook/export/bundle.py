"""The inspector export: an offline copy of the site in a zip, one PDF, and a manifest
that `handbook verify` checks. Nothing reaches dist/ unless everything was made."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from handbook.checks import load_and_check
from handbook.export.pdf import write_pdf
from handbook.model.handbook import Handbook
from handbook.sources.clock import long_date
from handbook.sources.edition import AS_OF_VAR, COMMIT_VAR, DRAFT_VAR, EDITION_VAR, as_of_day
from handbook.sources.errors import HandbookError
from handbook.sources.git import NOT_A_REPOSITORY, commit_on_or_before, git, head_commit
from handbook.views.editions import DRAFT_MARK, staff_only

MANIFEST = "manifest.json"
# Every entry in the zip gets this timestamp, so the same inputs give the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class ExportRefused(HandbookError):
    """The handbook has error findings, or the copy would show what the home does not stand
    behind; the reasons are listed and nothing is exported."""

    def __init__(self, reasons: list, summary: str):
        self.findings = reasons
        super().__init__(summary)


def refusals(full: Handbook, copy: Handbook, draft: bool) -> ExportRefused | None:
    """Why this copy must not be made, if it must not: errors; or, for a copy the home stands
    behind, no approved document in it, or a fact still to confirm printed in it."""
    if full.errors:
        return ExportRefused(full.errors, f"the handbook has {len(full.errors)} error(s); nothing was exported - "
                                          "fix them first")
    if draft:
        return None
    if not copy.documents:
        return ExportRefused([], "no document for inspectors is approved yet; nothing was exported - while the home "
                                 "is applying for registration, make a draft copy with: handbook export --draft")
    shown = copy.placeholders_shown()
    for path, printed in copy.printed.items():  # the site's own pages in the copy print facts too
        if path.startswith("docs/") and not staff_only(path.removeprefix("docs/")):
            for where in sorted(printed):
                shown.setdefault(where, []).append(path)
    if shown:
        lines = [f"{where} is still to confirm ({full.home.placeholder_description(where)}), printed by "
                 f"{', '.join(paths)} - confirm it in data/home.yml" for where, paths in shown.items()]
        return ExportRefused(lines, f"the copy would show {len(shown)} fact(s) still to confirm; nothing was "
                                    "exported - confirm them, or make a draft copy with: handbook export --draft")
    return None


@dataclass
class Export:
    zip_path: Path
    pdf_path: Path
    commit: str


def git_commit(root: Path) -> str:
    """The commit the copy is made from: its manifest and every page name it."""
    commit = head_commit(root)
    if commit is None:
        raise HandbookError(f"{root} {NOT_A_REPOSITORY}: an inspector copy names the commit it was made from - "
                            "run the export in a clone of the handbook's repository")
    return commit


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def bundle_name(handbook: Handbook, commit: str, draft: bool = False) -> str:
    kind = "handbook-draft" if draft else "handbook"
    return f"{slug(str(handbook.home.facts['name']))}-{kind}-{handbook.today.isoformat()}-{commit[:7]}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(handbook: Handbook, commit: str, site: Path, as_of: str | None) -> dict:
    files = {p.relative_to(site).as_posix(): _sha256(p) for p in sorted(site.rglob("*")) if p.is_file()}
    return {
        "home": str(handbook.home.facts["name"]),
        "made_on": handbook.today.isoformat(),
        "as_in_force_on": as_of,
        "commit": commit,
        "documents": [{
            "id": d.id, "title": d.title, "version": d.version,
            "status": d.status,
            "approved_by": d.approved_by or None,
            "approved_on": d.approved_on.isoformat() if d.approved_on else None,
            "last_reviewed": d.last_reviewed.isoformat() if d.last_reviewed else None,
            "next_review": d.next_review.isoformat() if d.next_review else None,
        } for d in sorted(handbook.documents, key=lambda d: d.id)],
        "files": files,
    }


def write_zip(site: Path, folder: str, path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for file in sorted(p for p in site.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(f"{folder}/{file.relative_to(site).as_posix()}", date_time=ZIP_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(entry, file.read_bytes(), compresslevel=9)


def build_inspector_site(root: Path, site: Path, handbook: Handbook, commit: str, as_of: str | None,
                         draft: bool = False) -> None:
    env = {**os.environ, EDITION_VAR: "inspector", "HANDBOOK_OFFLINE": "true", COMMIT_VAR: commit,
           DRAFT_VAR: "1" if draft else "0",
           "HANDBOOK_TODAY": handbook.today.isoformat(), "NO_MKDOCS_2_WARNING": "1",
           # MkDocs dates the sitemap by SOURCE_DATE_EPOCH: the export's day, not the clock.
           "SOURCE_DATE_EPOCH": str(int(_midnight(handbook.today)))}
    if as_of:
        env[AS_OF_VAR] = as_of
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
                            cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise HandbookError("the inspector site did not build; nothing was exported:\n" + result.stderr.strip())


def _midnight(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC).timestamp()


def export(root: Path, dist: Path, today, commit: str | None = None, draft: bool = False) -> Export:
    """Check, build and package the inspectors' edition. Raises ExportRefused (with the
    reasons) when the handbook has errors or the copy would show what the home does not stand
    behind; dist/ is then left exactly as it was. A draft copy includes drafts and facts still
    to confirm, and says so on every page, on the PDF's cover and in its name.
    A point-in-time copy (see export_as_of) sets HANDBOOK_AS_OF."""
    as_of = as_of_day()
    full = load_and_check(root, today)
    handbook = full.for_inspectors(drafts=draft)
    refused = refusals(full, handbook, draft)
    if refused:
        raise refused
    commit = commit or git_commit(root)
    name = bundle_name(handbook, commit, draft) + (f"-as-of-{as_of}" if as_of else "")
    stamp = (f"As in force on {long_date(dt.date.fromisoformat(as_of))}" if as_of
             else f"Inspector copy made on {long_date(handbook.today)}")
    if draft:
        stamp = f"{DRAFT_MARK}. {stamp}"
    dist.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=dist))  # same disk as dist/, so the final move is atomic
    try:
        site = work / name
        build_inspector_site(root, site, handbook, commit, as_of, draft)
        (site / MANIFEST).write_text(json.dumps(manifest(handbook, commit, site, as_of), indent=2) + "\n")
        write_zip(site, name, work / f"{name}.zip")
        write_pdf(handbook, commit, stamp, work / f"{name}.pdf")
        for suffix in (".zip", ".pdf"):
            os.replace(work / f"{name}{suffix}", dist / f"{name}{suffix}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Export(dist / f"{name}.zip", dist / f"{name}.pdf", commit)


def export_as_of(root: Path, dist: Path, day, draft: bool = False) -> subprocess.CompletedProcess:
    """Export the handbook as it stood at the last commit on or before `day`, using that
    commit's own files and code, in a temporary git worktree: the working tree is untouched."""
    commit = commit_on_or_before(root, day.isoformat())
    folder = Path(tempfile.mkdtemp(prefix="handbook-as-of-"))
    worktree = folder / "handbook"
    git(root, "worktree", "add", "--detach", "--quiet", str(worktree), commit)
    try:
        env = {**os.environ, "HANDBOOK_TODAY": day.isoformat(), AS_OF_VAR: day.isoformat()}
        # That commit's own command: handbook.cli since the package was made, macros.cli before.
        command = "handbook.cli" if (worktree / "handbook" / "cli.py").is_file() else "macros.cli"
        return subprocess.run([sys.executable, "-m", command, "export", "--dist", str(dist.resolve()),
                               *(["--draft"] if draft else [])],
                              cwd=worktree, env=env, capture_output=True, text=True)
    finally:
        git(root, "worktree", "remove", "--force", str(worktree), check=False)
        git(root, "worktree", "prune", check=False)
        shutil.rmtree(folder, ignore_errors=True)


def verify(bundle: Path) -> list[str]:
    """Compare a bundle with its manifest. Returns one line per file added, removed or
    changed; an empty list means the bundle is exactly as it was made."""
    try:
        archive = zipfile.ZipFile(bundle)
    except (OSError, zipfile.BadZipFile) as exc:
        raise HandbookError(f"{bundle}: not a readable zip file ({exc}) - check the file name") from None
    with archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        manifests = [n for n in names if n.count("/") == 1 and n.endswith("/" + MANIFEST)]
        if len(manifests) != 1:
            raise HandbookError(f"{bundle}: no {MANIFEST} at the top of the bundle - this is not a handbook export")
        folder = manifests[0].split("/")[0] + "/"
        try:
            expected = json.loads(archive.read(manifests[0]))["files"]
        except (ValueError, KeyError):
            raise HandbookError(f"{bundle}: {MANIFEST} cannot be read - the bundle has been damaged") from None
        found = {}
        problems = []
        for name in names:
            relative = name[len(folder):] if name.startswith(folder) else name
            if relative == MANIFEST:
                continue
            found[relative] = hashlib.sha256(archive.read(name)).hexdigest()
    for relative in sorted(set(found) - set(expected)):
        problems.append(f"added: {relative}")
    for relative in sorted(set(expected) - set(found)):
        problems.append(f"removed: {relative}")
    for relative in sorted(set(found) & set(expected)):
        if found[relative] != expected[relative]:
            problems.append(f"changed: {relative}")
    return problems

"""The inspector export: an offline copy of the site in a zip, one PDF, and a manifest
(signed with the home's key when the export has it) that `handbook verify` checks. The site is
built exactly as strictly as `make build`. Nothing reaches dist/ unless everything was made."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from handbook.checks import load_and_check
from handbook.checks.provider import check_home
from handbook.export.layout import MANIFEST, SIGNATURE, zip_entry
from handbook.export.pdf import COVER, cover_placeholders, write_pdf
from handbook.export.signing import ALGORITHM, PUBLIC_KEY_FILE, SIGNING_KEY_VAR, SigningKey, signing_key
from handbook.export.verify import Refused, verify
from handbook.model.documents import Document, approval_of, governed_paths, read_document
from handbook.model.handbook import Handbook
from handbook.model.provider import urn_label
from handbook.sources import clock
from handbook.sources.clock import long_date
from handbook.sources.edition import (
    AS_OF_VAR,
    COMMIT_VAR,
    DRAFT_VAR,
    EDITION_VAR,
    HOME_VAR,
    MADE_ON_VAR,
    SIGNED_VAR,
    as_of_day,
    copy_made_on,
)
from handbook.sources.errors import BuildFailed, HandbookError
from handbook.sources.git import NOT_A_REPOSITORY, commit_on_or_before, git, head_commit, uncommitted
from handbook.views.editions import DRAFT_MARK, copy_made, copy_owner, facts_to_confirm_shown, slug


class ExportRefused(HandbookError):
    """The handbook has error findings, or the copy would show what the home does not stand
    behind; the reasons are listed and nothing is exported."""

    def __init__(self, reasons: list, summary: str):
        self.findings = reasons
        super().__init__(summary)


MAKE_A_DRAFT = "make export DRAFT=1 (handbook export --draft)"  # `make export` is the README's command


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
                                 f"is applying for registration, make a draft copy with: {MAKE_A_DRAFT}")
    shown = facts_to_confirm_shown(copy)
    for where in cover_placeholders(copy):
        shown.setdefault(where, []).append(COVER)
    if shown:
        lines = [f"{where} is still to confirm ({full.home.placeholder_description(where)}), printed by "
                 f"{', '.join(paths)} - confirm it in {full.home.file_of(where)}" for where, paths in shown.items()]
        return ExportRefused(lines, f"the copy would show {len(shown)} fact(s) still to confirm; nothing was "
                                    f"exported - confirm them, or make a draft copy with: {MAKE_A_DRAFT}")
    return None


@dataclass
class Export:
    zip_path: Path
    pdf_path: Path
    commit: str


# What a copy is made from: the documents, the site's pages and assets, the data, the theme's
# templates, the configuration and the handbook's own code.
COPY_SOURCES = ("policies", "statement-of-purpose", "homes", "docs", "data", "overrides", "mkdocs.yml", "handbook",
                "macros")


def git_commit(root: Path) -> str:
    """The commit the copy is made from: its manifest and every page name it. The files it is
    made from must be exactly that commit's, or the copy would name records that do not hold
    what it shows."""
    commit = head_commit(root)
    if commit is None:
        raise HandbookError(f"{root} {NOT_A_REPOSITORY}: an inspector copy names the commit it was made from - "
                            "run the export in a clone of the handbook's repository")
    # The home's public key only checks the signing key: an as-of copy of a commit from before
    # the key brings today's key into that commit's files (export_as_of).
    changed = [path for path in uncommitted(root, COPY_SOURCES) if not (as_of_day() and path == PUBLIC_KEY_FILE)]
    if changed:
        more = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
        raise HandbookError(f"{changed[0]}{more}: not as commit {commit[:7]} holds it, and the copy would name that "
                            "commit as what it was made from - commit the change (or set it aside with git stash), "
                            "then make the copy again")
    return commit


def bundle_name(handbook: Handbook, commit: str, draft: bool = False) -> str:
    kind = "handbook-draft" if draft else "handbook"
    # A provider's home: its id (copy_owner) and URN ("applying" until it has one), so no two homes' copies
    # share a name.
    home = f"-{slug(urn_label(handbook.home))}" if handbook.home_id else ""
    return f"{copy_owner(handbook)}{home}-{kind}-{copy_made_on(handbook.today).isoformat()}-{commit[:7]}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(handbook: Handbook, commit: str, site: Path, as_of: str | None, signed_by: str | None = None,
             pdf: Path | None = None, draft: bool = False) -> dict:
    files = {p.relative_to(site).as_posix(): _sha256(p) for p in sorted(site.rglob("*")) if p.is_file()}
    return {
        # The copy's name (its folder in the zip) and whether it is a draft copy, signed with the rest:
        # a renamed copy (a draft given a final copy's name, another day's or another home's) is found.
        "copy": site.name,
        "draft": draft,
        "home": str(handbook.home.facts["name"]),
        "made_on": copy_made_on(handbook.today).isoformat(),
        "as_in_force_on": as_of,
        "commit": commit,
        # Whether the home signed this copy (manifest.json.sig), and the fingerprint of its key.
        # Unsigned, `handbook verify` proves only that nothing changed by accident.
        "signed": signed_by is not None,
        "signing_key": signed_by,
        "documents": [{
            "id": d.id, "title": d.title, "version": d.version,
            "status": d.status,
            "approved_by": d.approved_by or None,
            "approved_on": d.approved_on.isoformat() if d.approved_on else None,
            "last_reviewed": d.last_reviewed.isoformat() if d.last_reviewed else None,
            "next_review": d.next_review.isoformat() if d.next_review else None,
        } for d in sorted(handbook.documents, key=lambda d: d.id)],
        "files": files,
        # The PDF made with the copy: `handbook verify` checks it when it lies beside the zip.
        "pdf": {"file": pdf.name, "sha256": _sha256(pdf)} if pdf else None,
    }


def write_zip(site: Path, folder: str, path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for file in sorted(p for p in site.rglob("*") if p.is_file()):
            bundle.writestr(zip_entry(f"{folder}/{file.relative_to(site).as_posix()}"), file.read_bytes(),
                            compresslevel=9)


def build_inspector_site(root: Path, site: Path, handbook: Handbook, commit: str, as_of: str | None,
                         draft: bool = False, signed_by: str | None = None) -> None:
    """The same strict build as `make build`: any MkDocs warning fails it (`--quiet` is never
    used, as it stops MkDocs counting them); the log is filtered instead."""
    env = {**os.environ, EDITION_VAR: "inspector", "HANDBOOK_OFFLINE": "true", COMMIT_VAR: commit,
           DRAFT_VAR: "1" if draft else "0", SIGNED_VAR: signed_by or "",
           "HANDBOOK_TODAY": handbook.today.isoformat(), "NO_MKDOCS_2_WARNING": "1",
           # MkDocs dates the sitemap by SOURCE_DATE_EPOCH: the export's day, not the clock.
           "SOURCE_DATE_EPOCH": str(int(_midnight(handbook.today))), HOME_VAR: handbook.home_id or ""}
    if as_of:
        env[AS_OF_VAR] = as_of
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                            cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        known = {str(f) for f in handbook.warnings}
        raise BuildFailed("the inspector site did not build; nothing was exported - the build's lines below say "
                          "why", build_problems(result.stderr + "\n" + result.stdout, known))
    linked = [p.relative_to(site).as_posix() for p in sorted(site.rglob("*")) if p.is_symlink()]
    if linked:
        raise HandbookError(f"the inspector site holds a symbolic link ({linked[0]}); nothing was exported - "
                            "remove the link from the handbook's folders")


_LEVEL = re.compile(r"^(ERROR|WARNING)\s*-\s+(.*)$")


def build_problems(log: str, known_warnings: set[str]) -> list[str]:
    """The lines of a failed build's log that say why it failed: errors, MkDocs' warnings (each
    fails a strict build) with their continuation lines, and the final "Aborted" line. The
    handbook's own warnings, which never fail a build, are left out."""
    kept: list[str] = []
    keeping = False
    for line in log.splitlines():
        level = _LEVEL.match(line)
        if level:
            keeping = not (level.group(1) == "WARNING" and level.group(2) in known_warnings)
        elif line.startswith("Aborted"):
            keeping = True
        elif not line[:1].isspace():
            keeping = False
        if keeping:
            kept.append(line)
    return kept or log.strip().splitlines()[-20:]


def _midnight(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC).timestamp()


def export(root: Path, dist: Path, today, commit: str | None = None, draft: bool = False,
           home_id: str | None = None) -> Export:
    """Check, build and package the inspectors' edition. Raises ExportRefused (with the
    reasons) when the handbook has errors or the copy would show what the home does not stand
    behind; dist/ is then left exactly as it was. A draft copy includes drafts and facts still
    to confirm, and says so on every page, on the PDF's cover and in its name.
    A point-in-time copy (see export_as_of) sets HANDBOOK_AS_OF. In a provider's handbook,
    `home_id` names the home: the copy holds that home's edition only."""
    as_of = as_of_day()
    key: SigningKey | None = signing_key(root)  # before anything is made: a wrong key stops the export
    full = check_home(root, today, home_id) if home_id else load_and_check(root, today)
    handbook = full.for_inspectors(drafts=draft)
    refused = refusals(full, handbook, draft)
    if refused:
        raise refused
    commit = commit or git_commit(root)
    name = bundle_name(handbook, commit, draft) + (f"-as-of-{as_of}" if as_of else "")
    stamp = copy_made(handbook)
    if draft:
        stamp = f"{DRAFT_MARK}. {stamp}"
    dist.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=dist))  # same disk as dist/, so the final move is atomic
    try:
        site = work / name
        signed_by = key.fingerprint if key else None
        build_inspector_site(root, site, handbook, commit, as_of, draft, signed_by)
        write_pdf(handbook, commit, stamp, work / f"{name}.pdf", site, signed_by=signed_by)
        listing = (json.dumps(manifest(handbook, commit, site, as_of, signed_by, work / f"{name}.pdf", draft), indent=2)
                   + "\n").encode()
        (site / MANIFEST).write_bytes(listing)
        if key:
            (site / SIGNATURE).write_text(signature_file(key, listing), encoding="utf-8")
        write_zip(site, name, work / f"{name}.zip")
        _passes_verify(work / f"{name}.zip", key, work / f"{name}.pdf")
        for suffix in (".zip", ".pdf"):
            os.replace(work / f"{name}{suffix}", dist / f"{name}{suffix}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Export(dist / f"{name}.zip", dist / f"{name}.pdf", commit)


def _passes_verify(bundle: Path, key: SigningKey | None, pdf: Path) -> None:
    """The copy as made passes `handbook verify` with the home's key, PDF included: otherwise the
    inspector would be the first to find out (a file verify refuses, such as one compressed more
    than a zip bomb would be)."""
    try:
        made = verify(bundle, key.private.public_key() if key else None, pdf)
    except Refused as refused:
        raise HandbookError(f"the copy made does not pass handbook verify ({refused.problem}); nothing was "
                            "exported") from None
    if not made.whole:
        problems = "; ".join(made.differences) or str(made.pdf_unchecked)
        raise HandbookError(f"the copy made does not pass handbook verify ({problems}); nothing was exported")


def signature_file(key: SigningKey, listing: bytes) -> str:
    """manifest.json.sig: the home's Ed25519 signature of the manifest's exact bytes."""
    return json.dumps({"algorithm": ALGORITHM, "key": key.fingerprint,
                       "signature": base64.b64encode(key.sign(listing)).decode()}, indent=2) + "\n"


_UNKNOWN_OPTIONS = re.compile(r"(?m)^\S+: error: unrecognized arguments: (.+)$")


def export_as_of(root: Path, dist: Path, day, draft: bool = False,
                 home_id: str | None = None) -> subprocess.CompletedProcess:
    """Export the handbook as it stood at the last commit on or before `day`, using that
    commit's own files and code, in a temporary git worktree: the working tree is untouched."""
    commit = commit_on_or_before(root, day.isoformat())
    folder = Path(tempfile.mkdtemp(prefix="handbook-as-of-"))
    worktree = folder / "handbook"
    git(root, "worktree", "add", "--detach", "--quiet", str(worktree), commit)
    try:
        corrected = approvals_not_recorded_today(root, worktree)
        if corrected:
            more = f" (and {len(corrected) - 1} more)" if len(corrected) > 1 else ""
            raise HandbookError(
                f"--as-of {day.isoformat()}: the handbook of that day (commit {commit[:7]}) records approvals that its "
                f"history today does not: {corrected[0]}{more} - the records were corrected since, so a copy of that "
                "day would show approvals that were never given; choose a later day")
        env = {**os.environ, "HANDBOOK_TODAY": day.isoformat(), AS_OF_VAR: day.isoformat(),
               MADE_ON_VAR: clock.today().isoformat()}
        if env.get(SIGNING_KEY_VAR):  # the command runs in the worktree: name the key from here
            env[SIGNING_KEY_VAR] = str(Path(env[SIGNING_KEY_VAR]).expanduser().resolve())
        published = root / PUBLIC_KEY_FILE
        if published.is_file() and (worktree / "data").is_dir() and not (worktree / PUBLIC_KEY_FILE).exists():
            # The home's key of today checks the private key, even for a commit made before it.
            shutil.copyfile(published, worktree / PUBLIC_KEY_FILE)
        # That commit's own command: handbook.cli since the package was made, macros.cli before.
        command = "handbook.cli" if (worktree / "handbook" / "cli.py").is_file() else "macros.cli"
        made = subprocess.run([sys.executable, "-m", command, "export", "--dist", str(dist.resolve()),
                               *(["--draft"] if draft else []), *(["--home", home_id] if home_id else [])],
                              cwd=worktree, env=env, capture_output=True, text=True)
        if made.returncode == 2 and (unknown := _UNKNOWN_OPTIONS.search(made.stderr)):  # argparse's usage message
            options = " or ".join(word for word in unknown.group(1).split() if word.startswith("-"))
            raise HandbookError(f"--as-of {day.isoformat()}: the handbook's tools of that day (commit {commit[:7]}) "
                                f"have no {options} option - make the copy of that day without it, or choose a later day")
        return made
    finally:
        git(root, "worktree", "remove", "--force", str(worktree), check=False)
        git(root, "worktree", "prune", check=False)
        shutil.rmtree(folder, ignore_errors=True)


def approvals_not_recorded_today(root: Path, earlier: Path) -> list[str]:
    """The approvals that the documents of an earlier copy of the handbook (`earlier`, a folder)
    record and the same documents' history today does not: records corrected since (the history
    keeps every approval once given, so an approval that is gone was never given). A document
    found today by neither its path nor its id (moved) is not compared."""
    by_path: dict[str, Document] = {}
    by_id: dict[str, Document] = {}
    for path in governed_paths(root):
        document, problem = read_document(root, path)
        if problem is None:
            by_path[document.path] = document
            by_id.setdefault(str(document.meta.get("id")), document)
    found = []
    for path in governed_paths(earlier):
        then, problem = read_document(earlier, path)
        # its own file first: a provider's homes each have a document of the same id
        now = by_path.get(then.path) or by_id.get(str(then.meta.get("id")))
        if problem is not None or now is None:
            continue
        recorded = {(str(change.get("version")), approval_of(change)) for change in now.changes}
        claimed = [(str(change.get("version")), approval) for change in then.changes
                   if (approval := approval_of(change)) is not None]
        # The handbook's first records kept the approval of a document's version beside it (approved_by
        # and approved_on at the top of its front matter), and its copies showed a document whose status
        # was approved as approved, whatever its history held.
        version = str(then.meta.get("version"))
        if (top := approval_of(then.meta)) is not None:
            claimed.append((version, top))
        found += [f"{then.path} version {v} approved by {approval.by} on {long_date(approval.on)}"
                  for v, approval in claimed if (v, approval) not in recorded]
        approved_today = {v for v, approval in recorded if approval is not None}
        if (then.meta.get("status") == "approved" and version not in approved_today
                and version not in {v for v, _ in claimed}):
            found.append(f"{then.path} version {version} shown as approved, with no approval recorded")
    return found


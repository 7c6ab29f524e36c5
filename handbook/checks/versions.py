"""Versions, their approvals and document ids: each version in the history, each approved
version with its own approval, each id used once."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

from handbook.checks.common import valid_documents
from handbook.model.documents import Document
from handbook.model.findings import Finding, error
from handbook.model.handbook import Handbook
from handbook.model.reserved import PDF_PART_IDS
from handbook.sources.clock import long_date


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(version).split("."))


def check_versions(handbook: Handbook) -> list[Finding]:
    """The history is newest first, each version was made by one entry, and the version in
    force has the entry that made it (a review-only entry keeps the version it reviewed, so
    it cannot stand for the change)."""
    findings = []
    for document in valid_documents(handbook):
        findings += _history_problems(document)
    return findings


def _history_problems(document: Document) -> list[Finding]:
    def problem(what: str, fix: str, field: str) -> Finding:
        return error("version-history", document.path, what, fix, field=field, line=document.line_of(field))

    versions = [str(change["version"]) for change in document.changes]
    if document.version not in versions:
        return [problem(f"version {document.version} has no entry in changes",
                        f"add a changes entry with version: \"{document.version}\", the date and a one-line summary",
                        "changes")]
    newest = max(versions, key=version_key)
    if newest != document.version:
        return [problem(f"version is {document.version} but changes already lists version {newest}",
                        "set version to the newest entry in changes", "version")]
    found = []
    for number, (change, older) in enumerate(zip(document.changes, document.changes[1:]), start=1):
        if (version_key(str(change["version"])), change["date"]) < (version_key(str(older["version"])), older["date"]):
            found.append(problem(
                f"changes are not newest first: entry {number} (version {change['version']}, {change['date']}) "
                f"comes before entry {number + 1} (version {older['version']}, {older['date']})",
                "list the entries newest first, so the first one is the version in force", "changes"))
            break
    made: dict[str, list[int]] = {}  # version -> the entries that changed the text to make it
    for number, change in enumerate(document.changes, start=1):
        if not change.get("review_only"):
            made.setdefault(str(change["version"]), []).append(number)
    if document.version not in made:
        found.append(problem(
            f"version {document.version} has only review entries (review_only: true) in changes, so nothing "
            "records the change that made it or its approval",
            f"add the entry that made version {document.version}, with its approval, or set version back to the "
            "version that was reviewed", "changes"))
    for version, numbers in made.items():
        if len(numbers) > 1:
            found.append(problem(
                f"changes entries {' and '.join(map(str, numbers))} both made version {version}, so only one of "
                "them is shown as the version in force",
                "give the later change its own version, for example a new minor number, with its own approval; "
                "a review that changed nothing is an entry with review_only: true", "changes"))
    return found


def check_approvals(handbook: Handbook) -> list[Finding]:
    """An approved document shows the approval of its own version: the changes entry of the
    version in force records who approved it and when, on or after the day it was made."""
    findings = []
    for document in valid_documents(handbook):
        # A review records that nothing changed: an approval on it is shown nowhere (the History
        # table says "not needed"), so it could only make something else pass, such as a notice
        # to Ofsted of a revision that never was (a fifth attacker's review).
        findings += [error("approval", document.path, f"changes entry {number} (a review of version "
                           f"{entry.get('version')}) records approved_by or approved_on: a review records no approval",
                           "remove them: a review that changed nothing keeps the approval of the version it reviewed; "
                           "a change is a new version with its own approval", field=f"changes[{number}]",
                           line=document.line_of_change(number))
                     for number, entry in enumerate(document.changes, start=1)
                     if entry.get("review_only") and (entry.get("approved_by") or entry.get("approved_on"))]
        change = document.current_change
        if change is None:
            continue  # check_versions reports the missing entry
        made = dt.date.fromisoformat(change["date"])
        half = [name for name in ("approved_by", "approved_on") if change.get(name)]
        number = document.changes.index(change) + 1
        if len(half) == 1:
            missing = "approved_on" if half == ["approved_by"] else "approved_by"
            findings.append(error(
                "approval", document.path, f"version {document.version} records {half[0]} but not {missing}",
                f"add {missing} to that changes entry, or remove {half[0]} if nobody has approved it",
                field=f"changes[{number}].{missing}", line=document.line_of_change(number, half[0])))
            continue
        approval = document.approval
        if approval is not None and approval.on < made:
            findings.append(error(
                "approval", document.path,
                f"version {document.version} is dated {long_date(made)} but its approval is dated "
                f"{long_date(approval.on)}, before the version existed",
                f"record the date the {approval.by} approved version {document.version}",
                field=f"changes[{number}].approved_on", line=document.line_of_change(number, "approved_on")))
        if document.status == "draft" and approval is not None:
            findings.append(error(
                "approval", document.path,
                f"version {document.version} records an approval ({approval.by}, {long_date(approval.on)}) but the "
                "document is a draft: its page would say both that it is approved and that it is not",
                "set status: approved if it was approved, or remove approved_by and approved_on until it is",
                field="status", line=document.line_of("status")))
            continue
        if document.status != "approved" or approval is not None:
            continue
        earlier = document.previous_approval
        shown = (f"; the approval shown ({long_date(earlier[1].on)}) is for version {earlier[0]}" if earlier else "")
        # A document once approved stays approved (handbook/checks/change_discipline.py refuses it
        # going back to draft): its change waits on its branch for the approval.
        meanwhile = ("; until then the change waits on its branch, unmerged (an approved document does not go back "
                     "to draft)") if earlier else ", or set status: draft until it is approved"
        findings.append(error(
            "approval", document.path,
            f"version {document.version} ({long_date(made)}) has no approval{shown}",
            f"record who approved {document.version} and when (approved_by and approved_on on its changes "
            f"entry) once they have{meanwhile}", field=f"changes[{number}]", line=document.line_of("changes")))
    return findings


def check_unique_ids(handbook: Handbook) -> list[Finding]:
    """Each document's id is its own: used by no other document, and not an id the inspectors'
    PDF gives one of its own parts (handbook/model/reserved.py)."""
    first_seen: dict[str, str] = {}
    findings = []
    # The document whose file is named by the id keeps it; a copy under another name is the one told.
    for document in sorted(handbook.documents, key=lambda d: PurePosixPath(d.path).stem != d.meta.get("id")):
        doc_id = document.meta.get("id") if document.readable else None
        if not isinstance(doc_id, str):
            continue
        if doc_id in PDF_PART_IDS:
            findings.append(error(
                "duplicate-id", document.path,
                f"id '{doc_id}' is the inspectors' PDF's own id for {PDF_PART_IDS[doc_id]}, so the PDF's links to "
                f"{PDF_PART_IDS[doc_id]} would lead to this document",
                "give this document another id (usually its file name)", field="id", line=document.line_of("id")))
        elif doc_id in first_seen:
            findings.append(error(
                "duplicate-id", document.path, f"id '{doc_id}' is already used by {first_seen[doc_id]}",
                "give this document its own id (usually its file name)", field="id", line=document.line_of("id")))
        else:
            first_seen[doc_id] = document.path
    return findings


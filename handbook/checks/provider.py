"""A provider's handbook, checked home by home: each home's edition (its facts, the provider's
policies and its own documents) is loaded and checked on its own, as Ofsted inspects it. The
findings are then put together: each names its home, and a finding that is the same in several
homes' editions of a provider document (a provider policy overdue for review) is given once,
naming the homes affected."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from handbook.checks import load_and_check
from handbook.model.documents import approval_of, read_document
from handbook.model.findings import Finding, WithFindings, error, sort_key
from handbook.model.handbook import Handbook
from handbook.model.provider import HOMES_DIR, home_ids, home_of, shared_path
from handbook.sources.clock import long_date


@dataclass
class ProviderCheck(WithFindings):
    """Every home's checked edition, and the findings of them all."""
    today: dt.date
    homes: dict[str, Handbook]     # home id -> its checked edition, in id order
    findings: list[Finding]


def check_home(root: Path, today: dt.date, home_id: str) -> Handbook:
    """One home's edition, loaded and checked, each finding naming the home."""
    handbook = load_and_check(root, today, home_id)
    own = check_home_documents(handbook)
    handbook.findings = sorted((replace(f, homes=(home_id,)) for f in handbook.findings + own), key=sort_key)
    return handbook


HOME_KINDS = {"statement-of-purpose": "Statement of Purpose", "childrens-guide": "children's guide"}


def check_home_documents(handbook: Handbook) -> list[Finding]:
    """A home of a provider has its own Statement of Purpose and children's guide, in its own
    folder; a provider's shared document is never one (its approval, and the Ofsted notice of a
    statement, would count for every home: a review found one standing in for a registered
    home's own statement, a draft)."""
    findings = []
    folder = f"{HOMES_DIR}/{handbook.home_id}/statement-of-purpose"
    own_kinds = {d.kind for d in handbook.documents if d.valid and home_of(d.path) == handbook.home_id}
    for kind, name in HOME_KINDS.items():
        if kind not in own_kinds:
            findings.append(error(
                "home-documents", f"{folder}/",
                f"the home has no {name} of its own: Ofsted registers each home with its own",
                f"write the home's {name} in {folder}/ (kind: {kind})", field="kind"))
    findings += _shared_approvals_claimed(handbook)
    for document in handbook.documents:
        if document.valid and document.kind in HOME_KINDS and home_of(document.path) is None:
            findings.append(error(
                "home-documents", document.path,
                f"kind {document.kind} in the provider's shared documents: each home's {HOME_KINDS[document.kind]} "
                "is its own, and this one would count as every home's",
                "move it to homes/<id>/statement-of-purpose/ of the home it describes, or give it kind: policy",
                field="kind", line=document.line_of("kind")))
    return findings


# A changes entry copied whole: the same version, day, approval and summary.
COPIED_ENTRY = ("version", "date", "approved_by", "approved_on", "summary")


def _shared_approvals_claimed(handbook: Handbook) -> list[Finding]:
    """A home's own version of a provider policy (homes/<id>/policies/x.md, which replaces
    policies/x.md in its edition) whose changes entry is the shared policy's, copied whole (version,
    day, approval and summary), holds that version's text: an approval is of one text. An attacker's review copied
    the shared policy into a home's folder, changed two steps and kept version 1.0 and its
    approval, which the home's copy for Ofsted then showed."""
    findings = []
    for document in handbook.documents:
        shared = handbook.root / shared_path(document.path)
        if not document.valid or home_of(document.path) != handbook.home_id or not shared.is_file():
            continue
        original, problem = read_document(handbook.root, shared)
        mine, theirs = document.current_change, original.current_change if problem is None else None
        approval = approval_of(theirs)
        if mine is None or theirs is None or approval is None:
            continue
        if [mine.get(f) for f in COPIED_ENTRY] == [theirs.get(f) for f in COPIED_ENTRY] \
                and document.body != original.body:
            findings.append(error(
                "home-documents", document.path,
                f"version {document.version} records the approval of version {document.version} of {original.path} "
                f"(by {approval.by} on {long_date(approval.on)}), but its text is not that version's: an approval is "
                "of the text approved",
                "give the home's own version a new version number and a changes entry, and record its approval once "
                "it is given", field="version", line=document.line_of("version")))
    return findings


def check_provider(root: Path, today: dt.date) -> ProviderCheck:
    """Every home checked; the findings merged (see `merge_findings`)."""
    homes = {home_id: check_home(root, today, home_id) for home_id in home_ids(root)}
    return ProviderCheck(today, homes, merge_findings({i: h.findings for i, h in homes.items()}))


def merge_findings(by_home: dict[str, list[Finding]]) -> list[Finding]:
    """Each finding once, naming the homes it is about: a finding about a file outside any home's
    folder (a provider policy, the registry) that is the same in several homes is one finding."""
    merged: dict[Finding, list[str]] = {}
    for home_id, findings in by_home.items():
        for finding in findings:
            key = finding if home_of(finding.path) is not None else replace(finding, homes=())
            homes = merged.setdefault(key, [])
            homes.extend(h for h in finding.homes or (home_id,) if h not in homes)
    return sorted((replace(key, homes=tuple(sorted(homes))) for key, homes in merged.items()), key=sort_key)

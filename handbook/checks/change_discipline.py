"""Change discipline for pull requests: `handbook check --base REF` compares every
governed document with the version on REF (the branch the pull request goes into); for a
provider, each home's edition: the provider's policies it follows and its own documents."""

from __future__ import annotations

from handbook.checks.versions import version_key
from handbook.model.documents import (
    ADDED_LATER,
    GOVERNED_FOLDERS,
    Approval,
    Document,
    approval_of,
    kept_entries,
    read_document_text,
    text_changed,
)
from handbook.model.findings import CheckName, Finding, error
from handbook.model.handbook import Handbook
from handbook.model.provider import home_folders
from handbook.sources.git import files_at, read_blobs, resolve

CHECK: CheckName = "change-discipline"
# Changing any of these changes what the document is, what it is called, who it is for or who
# answers for it: the change needs its own entry in `changes`, like a change to the text.
RECORDED_FIELDS = ("title", "summary", "kind", "status", "audience", "owner", "regulations", "review_every_months",
                   "website")


def new_entries(before: Document | None, after: Document) -> list[dict]:
    """The changes entries this change adds: those not on the base (by version, date and summary),
    but for a base entry rewritten in its place, which the history check reports as rewritten
    (judged again as a new entry, it would bring a second, wrong line: "records a change, but the
    text did not change")."""
    if before is None:
        return after.changes
    seen = {(str(c.get("version")), str(c.get("date")), c.get("summary")) for c in before.changes}
    added = [c for c in after.changes if (str(c.get("version")), str(c.get("date")), c.get("summary")) not in seen]
    kept = kept_entries(before, after)
    if kept is None or _kept_out_of_order(before.changes, after.changes):
        return added
    rewrites = {id(now) for was, now in kept if _rewritten(was, now)}
    return [c for c in added if id(c) not in rewrites]


def _next_version(old: str, new: str) -> str:
    """The version after `old`; after `new` (the schema holds it to major.minor) where `old` is
    not one, as in a copy on the base branch committed before the checks held versions."""
    major, _, minor = old.partition(".")
    if not (major.isdecimal() and minor.isdecimal()):
        major, _, minor = new.partition(".")
    return f"{major}.{int(minor) + 1}"


def compared_folders(handbook: Handbook) -> tuple[str, ...]:
    """Where the documents of this edition are kept: the governed folders, and for a provider's
    home its own (homes/<id>/policies/, homes/<id>/statement-of-purpose/), whose approvals and
    Ofsted notices are that home's records."""
    return GOVERNED_FOLDERS + (home_folders(handbook.home_id) if handbook.home_id else ())


def check_against_base(handbook: Handbook, ref: str) -> list[Finding]:
    commit = resolve(handbook.root, ref)
    findings = []
    current = {d.path: d for d in handbook.documents}
    today = handbook.today.isoformat()
    paths = files_at(handbook.root, commit, compared_folders(handbook))
    on_base = set(paths)
    new_paths = {d.meta.get("id"): d.path for d in handbook.documents if d.path not in on_base}  # id -> a new file
    for path, text in zip(paths, read_blobs(handbook.root, [(commit, path) for path in paths])):
        before, problem = read_document_text(path, text or "")
        if problem is not None:
            continue  # the old copy was unreadable: nothing to compare with
        after = current.get(path)
        if after is None and (handbook.root / path).is_file():
            continue  # a provider's policy this home replaces with its own: compared where a home follows it
        moved = new_paths.get(before.meta.get("id")) if after is None else None
        if moved is not None:
            findings.append(error(
                CHECK, path, f"the document was moved to {moved} (it is here on {ref}): its history and the links to it "
                "follow its file name", f"move it back to {path}; a document keeps its file for life"))
            continue
        if after is None:
            findings.append(error(
                CHECK, path, f"the document was deleted (it is on {ref})",
                "put it back and set status: retired instead, with a changes entry saying why, so its "
                "history stays"))
            continue
        if not after.valid:
            continue  # its own findings already say what to fix
        findings += _compare(before, after, ref, today)
    return findings


def _compare(before: Document, after: Document, ref: str, today: str) -> list[Finding]:
    path = after.path
    added = new_entries(before, after)
    reviews = [c for c in added if c.get("review_only")]
    revisions = [c for c in added if not c.get("review_only")]
    old_version, new_version = str(before.meta.get("version", "0.0")), after.version
    try:
        raised = version_key(new_version) > version_key(old_version)
        lowered = version_key(new_version) < version_key(old_version)
    except ValueError:  # the old copy had a malformed version: nothing to compare
        raised, lowered = True, False
    suggestion = _next_version(old_version, new_version)
    changed_text = text_changed(before, after)
    reviewed_again = after.meta.get("last_reviewed") != before.meta.get("last_reviewed")
    problems: list[tuple[str, str, str]] = _history_rewritten(before, after, ref)  # (field, what is wrong, what to do)

    if len(added) > 1:
        # One change, one record: a second new entry would stand in the history for a version or a
        # review nobody made (a version between the base's and the new one never reached the main
        # line, and the reviewer's summary tells of the change's own entry).
        listed = ", ".join(f"{_shown(c.get('version'))} ({_shown(c.get('date'))})" for c in added)
        problems.append(("changes", f"changes gains {len(added)} new entries ({listed}): a change records one new "
                         "version, or one review", f"keep one entry, for version {_shown(new_version)}, that says all "
                         "that this change does; a version or review that did not reach the main line was never in "
                         "force"))
    if before.meta.get("id") != after.meta.get("id"):
        problems.append(("id", f"id changed from {_shown(before.meta.get('id'))} (on {ref}) to "
                               f"{_shown(after.meta.get('id'))}: a document's id never changes",
                         f"put back id: {_shown(before.meta.get('id'))}"))
    if lowered:
        problems.append(("version", f"version went down from {old_version} to {new_version}",
                         f"versions only go up: set version to \"{suggestion}\" or higher"))
    unapproved = before.meta.get("status") == "approved" and after.status == "draft"  # reported on its own below
    changed = [name for name in RECORDED_FIELDS if before.meta.get(name) != after.meta.get(name)
               and not (name == "status" and unapproved)]
    if changed and not revisions and not _newly_approved(before, after):  # a review entry records no change
        what = ", ".join(f"{name} ({_shown(before.meta.get(name))} on {ref}, now {_shown(after.meta.get(name))})"
                         for name in changed)
        entry = "only a review entry (review_only), which records no change" if reviews else "no new entry"
        problems.append((changed[0], f"{what} changed but changes has {entry}",
                         f"raise version to \"{suggestion}\" and add a changes entry for it: version: "
                         f"\"{suggestion}\", date: {today}, summary: what changed and why"))
    if unapproved:
        problems.append(("status", f"the approved document became a draft (it is approved on {ref})",
                         "keep status: approved; a change to it waits on its branch, with its version raised, until "
                         "its approval is recorded (approved_by and approved_on); to withdraw the document, set "
                         "status: retired"))
    if changed_text:
        if not raised and not lowered:
            problems.append(("version", f"the text changed but version is still {new_version}",
                             f"set version to \"{suggestion}\" and add a changes entry: version: \"{suggestion}\", "
                             f"date: {today}, summary: what changed and why"))
        elif raised and not any(str(c.get("version")) == new_version for c in revisions):
            problems.append(("changes", f"the text changed but changes has no new entry for version {new_version}",
                             f"add a changes entry: version: \"{new_version}\", date: {today}, "
                             "summary: what changed and why"))
        for change in reviews:
            problems.append(("changes", f"changes entry {change.get('version')} says review_only but the text changed",
                             "remove review_only: true and say in the summary what changed"))
    else:
        approvals = [approval for _, approval in new_approvals(before, after)]
        if reviewed_again and not reviews and approvals and not _reviewed_by_approval(before, after) \
                and not _approved_before_its_version(after):
            day = approvals[0].on
            problems.append(("last_reviewed", f"last_reviewed is {_shown(after.meta.get('last_reviewed'))}, but the "
                             f"approval this change records is dated {day.isoformat()}: the approval is the review",
                             f"set last_reviewed to {day.isoformat()}, or correct approved_on if that is the date "
                             "that is wrong"))
        elif reviewed_again and not reviews and not approvals:
            problems.append(("changes", "last_reviewed changed but no changes entry records the review",
                             f"add a changes entry: version: \"{new_version}\", date: {after.meta.get('last_reviewed')}, "
                             "review_only: true, summary: Reviewed; no changes needed"))
        if reviews and not reviewed_again:
            problems.append(("last_reviewed", "a review is recorded in changes but last_reviewed was not updated",
                             f"set last_reviewed to the review date ({reviews[-1].get('date')})"))
        if revisions and not raised:
            problems.append(("changes", f"changes entry {revisions[-1].get('version')} records a change, "
                                        "but the text did not change",
                             "if this was a review, add review_only: true to the entry; if the details changed, "
                             f"raise version to \"{suggestion}\""))
    # A field the document does not have (last_reviewed, before any review) is added beside changes.
    return [error(CHECK, path, what, fix, field=field, line=after.line_of(field) or after.line_of("changes"))
            for field, what, fix in problems]


def _history_rewritten(before: Document, after: Document, ref: str) -> list[tuple[str, str, str]]:
    """The base's changes entries, newest first, must end the new list as they were: a record
    of who approved a version, when, and when Ofsted was sent it, is never rewritten or removed
    (a correction is a new entry). Only what happened since may be added (ADDED_LATER)."""
    kept = kept_entries(before, after)
    if kept is not None and _kept_out_of_order(before.changes, after.changes):
        # Every entry is there as it was, with new ones among them: one newer than the base's
        # versions is only in the wrong place (the versions check says so, once); one for a past
        # version is the history rewritten, a version made (and perhaps approved) back then.
        return [("changes", f"changes entry {_shown(entry.get('version'))} is new but written below version "
                 f"{_shown(before.changes[0].get('version'))}, which is on {ref}: a past version added now would show "
                 "in the history as made, and approved, back then",
                 f"remove the {_shown(entry.get('version'))} entry; to record something about the past, add a new "
                 "changes entry at the top that says so, with the date it is recorded")
                for entry in _past_versions_added(before, after)]
    if kept is None:
        return [("changes", f"{len(before.changes) - len(after.changes)} of the changes entries on {ref} were removed",
                 f"put them back as they are on {ref}: the history keeps every version and who approved it")]
    problems = []
    for was, now in kept:
        version = _shown(was.get("version"))
        if approval_of(now) is not None and approval_of(was) is None and version != after.version:
            problems.append(("changes", f"an approval is added to version {version}, which version {after.version} "
                             "has replaced: a version is approved before the next is made, and an approval recorded "
                             "now would show in the history as given then",
                             f"remove approved_by and approved_on from the {version} entry; if it really was approved "
                             "and the record was missed, add a new changes entry that says so, with the date it is "
                             "recorded"))
            continue
        changed = _rewritten(was, now)
        if changed:
            key = changed[0]
            problems.append(("changes", f"the changes entry for version {version} has {key} {_shown(now.get(key))}, "
                             f"but {_shown(was.get(key))} on {ref}: a record of what happened is never rewritten",
                             f"put back {key} as it is on {ref}; to correct it, add a new changes entry that says what "
                             "was wrong"))
    return problems


def _past_versions_added(before: Document, after: Document) -> list[dict]:
    """The changes entries this change adds for a version older than the base's newest."""
    try:
        newest = version_key(str(before.changes[0].get("version")))
    except (ValueError, IndexError):
        return []
    found = []
    for entry in new_entries(before, after):
        try:
            if version_key(str(entry.get("version"))) < newest:
                found.append(entry)
        except ValueError:
            continue  # not a version: the schema says so
    return found


def _kept_out_of_order(old: list[dict], new: list[dict]) -> bool:
    """Every entry of `old` is in `new`, unchanged but for what may be added later (ADDED_LATER),
    in the same order, though not all at the end of the list: a new entry written in the wrong
    place, which the versions check reports, not a rewritten history."""
    at = 0
    for was in old:
        while at < len(new) and _rewritten(was, new[at]):
            at += 1
        if at == len(new):
            return False
        at += 1
    return any(_rewritten(was, now) for was, now in zip(old, new[len(new) - len(old):]))


def _rewritten(was: dict, now: dict) -> list:
    """The fields of a changes entry that differ from the entry as it was, but for what may be
    added to it later (ADDED_LATER: its approval, once given, and its notice to Ofsted)."""
    return [key for key in sorted(set(was) | set(now), key=str)
            if was.get(key) != now.get(key) and not (key in ADDED_LATER and key not in was)]


def new_approvals(before: Document | None, after: Document) -> list[tuple[str, Approval]]:
    """The approvals this change records (on entries new or old), newest entry first, each with
    the version it approves; every approval of a new document (`before` None)."""
    approved_before = {(str(c.get("version")), approval_of(c)) for c in (before.changes if before else [])}
    return [(version, approval) for c in after.changes
            if (approval := approval_of(c)) is not None
            and ((version := str(c.get("version"))), approval) not in approved_before]


def _approved_before_its_version(after: Document) -> bool:
    """An approval dated before its own version: the check of approvals says approved_on is wrong
    (handbook/checks/versions.py), so that date is never offered as the day of the review."""
    return any((approval := approval_of(c)) is not None and str(c.get("date")) > approval.on.isoformat()
               for c in after.changes)


def _reviewed_by_approval(before: Document, after: Document) -> bool:
    """last_reviewed set to the day an approval this change records was given: the approver
    reviewed the document to approve it, so no separate review entry is needed (one would record a
    review that did not happen apart from the approval)."""
    return any(str(after.meta.get("last_reviewed")) == approval.on.isoformat()
               for _, approval in new_approvals(before, after))


def _newly_approved(before: Document, after: Document) -> bool:
    """A draft approved as it stands: its own changes entry now records the approval."""
    if after.status != "approved" or after.approval is None:
        return False
    earlier = next((c for c in before.changes if str(c.get("version")) == after.version and not c.get("review_only")),
                   None)
    return earlier is None or approval_of(earlier) is None


def _shown(value) -> str:
    """A front matter value as it is written in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return "none" if value is None else str(value)

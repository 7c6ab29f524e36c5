"""Reviewing changes through pull requests: version discipline against the base branch,
the Ofsted 28-day duty for the Statement of Purpose, history on the site, and
point-in-time exports. Each test works in a throwaway git repository."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import (
    REPO,
    SOP_BODY,
    TODAY,
    approved_change,
    check,
    fixture_today,
    handbook_command,
    messages,
    mkdocs_build,
    statement_of_purpose,
    write_document,
)

from handbook.sources.clock import long_date

pytestmark = pytest.mark.build

POLICY = "policies/missing-child.md"
ADDED = "Staff check the garden gate every evening at nine."
REMOVED_FROM = "Follow these steps in order, straight away."


def git(repo: Path, *args: str, when: str = "2026-10-05T12:00:00+00:00", who: str = "Sam Author") -> str:
    email = who.lower().replace(" ", ".") + "@example.org"
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": who,
           "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": who, "GIT_COMMITTER_EMAIL": email}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(handbook_copy):
    git(handbook_copy, "init", "-q", "-b", "main")
    git(handbook_copy, "add", "-A")
    git(handbook_copy, "commit", "-q", "-m", "The handbook as approved",
        when=f"{fixture_today().isoformat()}T08:00:00+00:00")
    git(handbook_copy, "checkout", "-q", "-b", "change")
    return handbook_copy


def edit(repo: Path, path: str, *replacements: tuple[str, str]):
    file = repo / path
    text = file.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    file.write_text(text)


def _line_of(repo: Path, text: str, path: str = POLICY) -> int:
    return (repo / path).read_text().splitlines().index(text) + 1


def version_of(repo: Path, path: str = POLICY) -> str:
    return re.search(r'(?m)^version: "([0-9.]+)"$', (repo / path).read_text()).group(1)


def next_of(version: str) -> str:
    major, minor = version.split(".")
    return f"{major}.{int(minor) + 1}"


def raise_version(repo: Path) -> tuple[tuple[str, str], str]:
    """The replacement that raises the policy's version by one, and the new version."""
    old = version_of(repo)
    return (f'\nversion: "{old}"\n', f'\nversion: "{next_of(old)}"\n'), next_of(old)


def bump(version: str, day: str, summary: str, review_only: bool = False, approved: bool = True) -> tuple[str, str]:
    """A new changes entry at the top; a text change is approved by the Responsible Individual that day."""
    extra = "\n    review_only: true" if review_only else ""
    if approved and not review_only:
        extra += f"\n    approved_by: Responsible Individual\n    approved_on: {day}"
    return ("changes:\n", f'changes:\n  - version: "{version}"\n    date: {day}\n    summary: {summary}{extra}\n')


def check_base(repo: Path, today: dt.date | None = None):
    return handbook_command(repo, "check", "--base", "main", today=today)


# --- change discipline ------------------------------------------------------------

def test_text_change_without_a_version_bump_fails(repo):
    edit(repo, POLICY, (REMOVED_FROM, REMOVED_FROM + " " + ADDED))
    today = fixture_today()
    old = version_of(repo)
    new = next_of(old)
    result = check_base(repo, today)
    assert result.returncode == 1
    assert (f"ERROR: policies/missing-child.md, line 7: the text changed but version is still {old} - set version to "
            f"\"{new}\" and add a changes entry: version: \"{new}\", date: {today.isoformat()}, summary: what "
            "changed and why") in result.stdout.splitlines()


def test_text_change_with_bump_and_entry_passes(repo):
    day = fixture_today().isoformat()
    raised, new = raise_version(repo)
    edit(repo, POLICY, (REMOVED_FROM, REMOVED_FROM + " " + ADDED), raised, bump(new, day, "Evening gate check added."))
    result = check_base(repo)
    assert result.returncode == 0, result.stdout


def test_version_raised_without_its_approval_is_refused(repo):
    day = fixture_today().isoformat()
    old = version_of(repo)
    raised, new = raise_version(repo)
    edit(repo, POLICY, (REMOVED_FROM, REMOVED_FROM + " " + ADDED), raised,
         bump(new, day, "Evening gate check added.", approved=False))
    result = check_base(repo)
    assert result.returncode == 1
    when = dt.date.fromisoformat(day)
    at = _line_of(repo, "changes:")
    assert (f"ERROR: policies/missing-child.md, line {at}: version {new} ({when.day} {when:%B %Y}) has no approval; the "
            f"approval shown ({when.day} {when:%B %Y}) is for version {old} - record who approved {new} and when "
            "(approved_by and approved_on on its changes entry) once they have; until then the change waits on its "
            "branch, unmerged (an approved document does not go back to draft)") in result.stdout.splitlines()


def test_bump_without_a_changes_entry_fails(repo):
    raised, new = raise_version(repo)
    edit(repo, POLICY, (REMOVED_FROM, REMOVED_FROM + " " + ADDED), raised)
    result = check_base(repo)
    assert result.returncode == 1
    assert f"policies/missing-child.md, line {_line_of(repo, 'changes:')}: version {new} has no entry in changes" in result.stdout


def test_review_without_changes_passes_with_its_entry_and_fails_without(repo):
    today = fixture_today() + dt.timedelta(days=30)
    day = today.isoformat()
    reviewed = (re.search(r"last_reviewed: (\S+)", (repo / POLICY).read_text()).group(0), f"last_reviewed: {day}")
    edit(repo, POLICY, reviewed)
    version = version_of(repo)
    missing = check_base(repo, today)
    assert missing.returncode == 1
    assert (f"policies/missing-child.md, line 14: last_reviewed changed but no changes entry records the review - add a "
            f"changes entry: version: \"{version}\", date: {day}, review_only: true, summary: Reviewed; no changes "
            "needed") in missing.stdout
    edit(repo, POLICY, bump(version, day, "Reviewed with the police; no changes needed.", review_only=True))
    passed = check_base(repo, today)
    assert passed.returncode == 0, passed.stdout


def test_a_review_entry_cannot_carry_a_change_of_details(repo):
    """An attacker's review: on an approved document, website: true, inspectors taken out of its
    audience and a new owner passed with only a review entry, and the summary said the version
    "keeps its approval": a review records that nothing changed."""
    today = fixture_today() + dt.timedelta(days=30)
    day = today.isoformat()
    reviewed = (re.search(r"last_reviewed: (\S+)", (repo / POLICY).read_text()).group(0), f"last_reviewed: {day}")
    version = version_of(repo)
    edit(repo, POLICY, reviewed, ("owner: Registered Manager", "owner: Deputy Manager"),
         bump(version, day, "Reviewed; no changes needed.", review_only=True))
    result = check_base(repo, today)
    line = (repo / POLICY).read_text().splitlines().index("owner: Deputy Manager") + 1
    assert (f"ERROR: {POLICY}, line {line}: owner (Registered Manager on main, now Deputy Manager) changed but changes "
            "has only a review entry (review_only), which records no change - raise version to") in result.stdout, \
        result.stdout


def _on_main(repo: Path, *replacements: tuple[str, str]) -> None:
    """Commit `replacements` to the policy on main, and start the change branch again from there."""
    git(repo, "checkout", "-q", "main")
    edit(repo, POLICY, *replacements)
    git(repo, "commit", "-q", "-am", "On main")
    git(repo, "checkout", "-q", "-B", "change")


def _approve_draft_on_main(repo: Path, today: dt.date, approved_on: dt.date, made_on: dt.date | None = None):
    """A new version (dated `made_on`, or today) is a draft on main; the change approves it as it
    stands (approved_on as given) and sets last_reviewed to today: the result of `handbook check
    --base main`."""
    raised, new = raise_version(repo)
    _on_main(repo, ("status: approved", "status: draft"), raised, bump(new, (made_on or today).isoformat(),
                                                                       "New gate check.", approved=False),
             (REMOVED_FROM + "\n", ADDED + "\n"))
    last = re.search(r"last_reviewed: (\S+)", (repo / POLICY).read_text()).group(0)
    edit(repo, POLICY, ("status: draft", "status: approved"), (last, f"last_reviewed: {today.isoformat()}"),
         ("    summary: New gate check.\n", "    summary: New gate check.\n    approved_by: Responsible Individual\n"
                                         f"    approved_on: {approved_on.isoformat()}\n"))
    return check_base(repo, today)


def test_approving_a_draft_as_it_stands_counts_as_its_review(repo):
    """An author's review: approving a draft and setting last_reviewed to the approval date, as the
    how-to says, failed until a changes entry recorded a separate review ("Reviewed; no changes
    needed") that did not happen. The approval is the review."""
    today = fixture_today()
    result = _approve_draft_on_main(repo, today, approved_on=today)
    assert result.returncode == 0, result.stdout


def test_an_approval_dated_apart_from_last_reviewed_says_which_to_correct(repo):
    """A new user's review: approving a draft with approved_on mistyped gave, beside the right
    line, "last_reviewed changed but no changes entry records the review - add ... review_only:
    true", an entry for a review that never happened apart from the approval."""
    today = fixture_today()
    typo = (today - dt.timedelta(days=1)).isoformat()
    result = _approve_draft_on_main(repo, today, approved_on=today - dt.timedelta(days=1),
                                    made_on=today - dt.timedelta(days=2))
    line = (repo / POLICY).read_text().splitlines().index(f"last_reviewed: {today.isoformat()}") + 1
    assert (f"ERROR: {POLICY}, line {line}: last_reviewed is {today.isoformat()}, but the approval this change records "
            f"is dated {typo}: the approval is the review - set last_reviewed to {typo}, or correct approved_on if "
            "that is the date that is wrong") in result.stdout, result.stdout
    assert "no changes entry records the review" not in result.stdout, result.stdout


def test_an_approval_dated_before_its_version_is_one_error_saying_to_correct_approved_on(repo):
    """A manager's review: an approval dated before its version got two errors whose fixes clashed:
    "set last_reviewed to" the wrong approval date, which the other error still refused. The
    error names approved_on's own line (a new user's review: it named the line of `changes:`)."""
    today = fixture_today()
    result = _approve_draft_on_main(repo, today, approved_on=today - dt.timedelta(days=1))
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    version = version_of(repo)
    line = _line_of(repo, f"    approved_on: {(today - dt.timedelta(days=1)).isoformat()}")
    assert errors == [
        f"ERROR: {POLICY}, line {line}: version {version} is dated {long_date(today)} but its "
        f"approval is dated {long_date(today - dt.timedelta(days=1))}, before the version existed - record the date "
        f"the Responsible Individual approved version {version}"], result.stdout


def test_a_new_entry_in_the_wrong_place_is_one_error_not_a_rewritten_history(repo):
    """An author's review: a new changes entry written second or last was reported as the history
    rewritten ("the changes entry for version 1.1 has summary ..."), naming versions that had not
    changed; the entries were compared by their place in the list."""
    today = fixture_today()
    raised, new = raise_version(repo)
    text = (repo / POLICY).read_text()
    last_entry_end = text.index("\n---", text.index("changes:")) + 1
    entry = (f'  - version: "{new}"\n    date: {today.isoformat()}\n    approved_by: Responsible Individual\n'
             f"    approved_on: {today.isoformat()}\n    summary: New gate check.\n")
    (repo / POLICY).write_text(text[:last_entry_end] + entry + text[last_entry_end:])
    edit(repo, POLICY, raised, (REMOVED_FROM + "\n", ADDED + "\n"))
    result = check_base(repo, today)
    assert result.returncode == 1
    assert "changes are not newest first" in result.stdout
    assert "never rewritten" not in result.stdout, result.stdout


def test_an_as_of_copy_of_a_day_whose_approvals_were_later_found_untrue_is_refused(repo, tmp_path):
    """An inspector's review: a copy `--as-of` a day whose documents recorded approvals nobody had
    given (corrected since: the history today records none) showed them all as approved. The copy
    is refused, naming the first."""
    first_day = fixture_today()
    corrected = first_day + dt.timedelta(days=3)
    version = version_of(repo)
    text = (repo / POLICY).read_text()
    approval = re.search(rf'(?m)^  - version: "{re.escape(version)}"\n    date: \S+\n((?:    approved_\w+: \S.*\n)+)', text)
    git(repo, "checkout", "-q", "main")
    edit(repo, POLICY, (approval.group(1), ""), ("status: approved", "status: draft"))
    git(repo, "commit", "-q", "-am", "Records corrected: version was never approved", when=f"{corrected}T09:00:00+00:00")
    result = handbook_command(repo, "export", "--as-of", first_day.isoformat(), "--dist", str(tmp_path / "dist"),
                              today=corrected)
    approved_on = dt.date.fromisoformat(re.search(r"approved_on: (\S+)", approval.group(1)).group(1))
    commit = git(repo, "rev-list", "-1", "--before", f"{first_day}T23:59:59+00:00", "main").strip()[:7]
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(
        f"ERROR: --as-of {first_day}: the handbook of that day (commit {commit}) records approvals that its history "
        f"today does not: {POLICY} version {version} approved by Responsible Individual on {long_date(approved_on)}")
    assert result.stderr.strip().endswith("the records were corrected since, so a copy of that day would show "
                                          "approvals that were never given; choose a later day")
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


@pytest.mark.parametrize("beside", [True, False], ids=["approval beside the version", "status alone"])
def test_an_as_of_copy_of_a_day_whose_first_records_showed_an_approval_not_recorded_today_is_refused(
        repo, tmp_path, beside):
    """A new user's review: the handbook's first records kept a version's approval at the top of the
    front matter (approved_by, approved_on), not in its changes entry, and their copies showed a
    document whose status was approved as approved. A copy `--as-of` such a day showed approvals
    that today's history does not record: it is refused too."""
    first_day = fixture_today()
    corrected = first_day + dt.timedelta(days=3)
    version = version_of(repo)
    text = (repo / POLICY).read_text()
    approval = re.search(rf'(?m)^  - version: "{re.escape(version)}"\n    date: \S+\n((?:    approved_\w+: \S.*\n)+)', text)
    approved_on = dt.date.fromisoformat(re.search(r"approved_on: (\S+)", approval.group(1)).group(1))
    git(repo, "checkout", "-q", "main")
    top = f"approved_by: Responsible Individual\napproved_on: {approved_on}\n" if beside else ""
    edit(repo, POLICY, (approval.group(1), ""), ("status: approved\n", f"status: approved\n{top}"))
    git(repo, "commit", "-q", "-am", "The first records", when=f"{first_day}T09:00:00+00:00")
    edit(repo, POLICY, (f"status: approved\n{top}", "status: draft\n"))
    git(repo, "commit", "-q", "-am", "Records corrected: version was never approved", when=f"{corrected}T09:00:00+00:00")
    result = handbook_command(repo, "export", "--as-of", first_day.isoformat(), "--dist", str(tmp_path / "dist"),
                              today=corrected)
    commit = git(repo, "rev-list", "-1", "--before", f"{first_day}T23:59:59+00:00", "main").strip()[:7]
    shown = (f"approved by Responsible Individual on {long_date(approved_on)}" if beside
             else "shown as approved, with no approval recorded")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(
        f"ERROR: --as-of {first_day}: the handbook of that day (commit {commit}) records approvals that its history "
        f"today does not: {POLICY} version {version} {shown} - "), result.stderr
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


def test_a_document_moved_to_another_file_is_named_as_moved_not_deleted(repo):
    """An author's review: renaming a policy's file (same id) was reported as a deletion, telling the
    author to retire a document that was still there."""
    (repo / POLICY).rename(repo / "policies/missing-children.md")
    result = check_base(repo)
    assert result.returncode == 1
    assert ("ERROR: policies/missing-child.md: the document was moved to policies/missing-children.md (it is here on "
            "main): its history and the links to it follow its file name - move it back to policies/missing-child.md; "
            "a document keeps its file for life") in result.stdout.splitlines(), result.stdout
    assert "was deleted" not in result.stdout


def test_review_entry_without_new_last_reviewed_fails(repo):
    edit(repo, POLICY, bump(version_of(repo), fixture_today().isoformat(), "Reviewed.", review_only=True))
    result = check_base(repo)
    assert result.returncode == 1
    assert "a review is recorded in changes but last_reviewed was not updated" in result.stdout


def test_a_review_of_a_document_never_reviewed_names_the_line_to_add_last_reviewed_beside(repo):
    """A manager's review: "a review is recorded in changes but last_reviewed was not updated" had no
    line when the document had no last_reviewed yet (a draft)."""
    last = re.search(r"last_reviewed: (\S+)\n", (repo / POLICY).read_text()).group(0)
    _on_main(repo, ("status: approved", "status: draft"), (last, ""))
    edit(repo, POLICY, bump(version_of(repo), fixture_today().isoformat(), "Reviewed.", review_only=True))
    result = check_base(repo)
    assert (f"ERROR: {POLICY}, line {_line_of(repo, 'changes:')}: a review is recorded in changes but last_reviewed "
            f"was not updated - set last_reviewed to the review date ({fixture_today().isoformat()})"
            ) in result.stdout.splitlines(), result.stdout


def test_deleting_lowering_and_unapproving_fail(repo):
    (repo / "policies/anti-bullying.md").unlink()
    edit(repo, "policies/complaints.md", ("status: approved", "status: draft"))
    result = check_base(repo)
    assert result.returncode == 1
    assert ("policies/anti-bullying.md: the document was deleted (it is on main) - put it back and set status: "
            "retired instead") in result.stdout
    assert ("ERROR: policies/complaints.md, line 6: the approved document became a draft (it is approved on main) - "
            "keep status: approved; a change to it waits on its branch, with its version raised, until its approval "
            "is recorded (approved_by and approved_on); to withdraw the document, set status: retired"
            ) in result.stdout.splitlines()


def test_unknown_base_is_a_clear_error(repo):
    result = handbook_command(repo, "check", "--base", "no-such-branch")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'no-such-branch' is not a branch, tag or commit in this repository" in result.stderr


# --- the Ofsted 28-day duty -------------------------------------------------------

SOP = "statement-of-purpose/statement-of-purpose.md"


def _sop_revised(mini, days_ago: int, **entry):
    revised = (TODAY - dt.timedelta(days=days_ago)).isoformat()
    changes = [approved_change("1.1", revised, "New admissions section.", **entry),
               approved_change("1.0", "2026-01-05", "First version.", ofsted_notified_on="2026-01-09")]
    write_document(mini, SOP, statement_of_purpose(version="1.1", last_reviewed=revised, changes=changes), SOP_BODY)


@pytest.mark.unit
def test_sop_revision_29_days_old_without_notice_fails(mini):
    _sop_revised(mini, 29)
    revised = TODAY - dt.timedelta(days=29)
    deadline = revised + dt.timedelta(days=28)
    assert messages(check(mini), "ofsted-notification") == [
        f"statement-of-purpose/statement-of-purpose.md, line 15: revision 1.1 of {revised.day} {revised:%B %Y} has no "
        f"ofsted_notified_on: Ofsted had to be told by {deadline.day} {deadline:%B %Y} (regulation 16(3), within 28 "
        "days) - send Ofsted the revised Statement of Purpose, then add ofsted_notified_on: YYYY-MM-DD (the date you "
        "sent it) to that changes entry"]
    assert check(mini).errors


@pytest.mark.unit
def test_sop_revision_10_days_old_without_notice_warns_with_the_deadline(mini):
    _sop_revised(mini, 10)
    handbook = check(mini)
    assert handbook.errors == []
    deadline = TODAY - dt.timedelta(days=10) + dt.timedelta(days=28)
    (found,) = messages(handbook, "ofsted-notification")
    assert f"tell Ofsted by {deadline.day} {deadline:%B %Y} (regulation 16(3), within 28 days)" in found


@pytest.mark.unit
def test_sop_notified_or_review_only_needs_nothing(mini):
    _sop_revised(mini, 40, ofsted_notified_on=(TODAY - dt.timedelta(days=35)).isoformat())
    assert messages(check(mini), "ofsted-notification") == []
    _sop_revised(mini, 40, review_only=True)
    assert messages(check(mini), "ofsted-notification") == []


# --- history, what changed, point in time -----------------------------------------

def _merged_revision(repo: Path, when: str):
    """On a branch, an editor adds a sentence and removes another; a manager merges it."""
    raised, new = raise_version(repo)
    edit(repo, POLICY, (REMOVED_FROM + "\n", ADDED + "\n"), raised,
         bump(new, when[:10], "Evening gate check replaces the opening line."))
    git(repo, "commit", "-q", "-am", "Missing child policy: evening gate check", when=when, who="Eve Editor")
    git(repo, "checkout", "-q", "main", when=when)
    git(repo, "merge", "-q", "--no-ff", "change", "-m", "Merge pull request 7: evening gate check",
        when=when, who="Max Manager")


def test_page_shows_history_editors_and_what_changed(repo):
    approved = version_of(repo)
    approved_on = dt.date.fromisoformat(re.search(r"(?m)^    approved_on: (\S+)$", (repo / POLICY).read_text()).group(1))
    revised = fixture_today() + dt.timedelta(days=15)
    _merged_revision(repo, f"{revised.isoformat()}T09:00:00+00:00")
    result = mkdocs_build(repo, today=revised + dt.timedelta(days=1), HANDBOOK_GIT_DATES="true")
    assert result.returncode == 0, result.stderr
    page = (repo / "site" / "policies/missing-child.html").read_text()
    history = page[page.index('id="history"'):]
    proposed = f"<td>{revised.day} {revised:%B %Y}</td>\n<td>Eve Editor</td>\n<td>Max Manager</td>"
    assert proposed in history
    assert "Merge pull request 7" not in history, "history is for people: no commit messages"
    assert f"What changed since version {approved}, approved {approved_on.day} {approved_on:%B %Y}" in history
    assert f"<strong>Added:</strong> <ins>{ADDED}</ins>" in history
    assert f"<strong>Removed:</strong> <del>{REMOVED_FROM}</del>" in history


def test_a_committer_is_not_shown_as_who_merged(repo):
    """An audit found "Merged by: Bob Rebaser" for a commit made straight on the main line: git's
    committer is whoever last rewrote or applied a commit, not someone who merged it."""
    day = fixture_today() + dt.timedelta(days=3)
    when = f"{day.isoformat()}T09:00:00+00:00"
    git(repo, "checkout", "-q", "main", when=when)
    raised, new = raise_version(repo)
    edit(repo, POLICY, (REMOVED_FROM + "\n", ADDED + "\n"), raised, bump(new, when[:10], "A direct edit."))
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "Alice Author",
           "GIT_AUTHOR_EMAIL": "alice@example.org", "GIT_COMMITTER_NAME": "Bob Rebaser",
           "GIT_COMMITTER_EMAIL": "bob@example.org"}
    subprocess.run(["git", "commit", "-q", "-am", "A direct edit"], cwd=repo, env=env, check=True)
    result = mkdocs_build(repo, today=day, HANDBOOK_GIT_DATES="true")
    assert result.returncode == 0, result.stderr
    history = (repo / "site" / "policies/missing-child.html").read_text().split('id="history"', 1)[1]
    assert f"<td>{day.day} {day:%B %Y}</td>\n<td>Alice Author</td>\n<td>-</td>" in history
    assert "Bob Rebaser" not in history
    # git's names are whatever an account says (a third attacker's review): never read as an approval
    assert ("<p>Who proposed each change to the text, and who merged it, by the names their git accounts give (not a "
            "record of approval):</p>") in history


def test_history_lists_only_changes_to_the_text(repo):
    """A commit that touched only another file, or only this document's front matter, is not
    a change to this document's text and is not listed."""
    day = fixture_today() + dt.timedelta(days=3)
    when = f"{day.isoformat()}T09:00:00+00:00"
    edit(repo, POLICY, ("review_every_months: 12", "review_every_months: 11"))
    git(repo, "commit", "-q", "-am", "Front matter only", when=when, who="Fran Frontmatter")
    git(repo, "checkout", "-q", "main", when=when)
    git(repo, "merge", "-q", "--no-ff", "change", "-m", "Merge", when=when, who="Max Manager")
    result = mkdocs_build(repo, today=day, HANDBOOK_GIT_DATES="true")
    assert result.returncode == 0, result.stderr
    page = (repo / "site" / "policies/missing-child.html").read_text()
    history = page[page.index('id="history"'):]
    assert "Fran Frontmatter" not in history
    assert "Sam Author" in history  # the first commit added the text


OLD_COMMAND = """import argparse
parser = argparse.ArgumentParser(prog="handbook")
commands = parser.add_subparsers(dest="command", required=True)
commands.add_parser("export").add_argument("--dist")
parser.parse_args()
"""


def test_an_as_of_copy_asked_with_an_option_that_days_tools_lack_says_so_in_one_line(handbook_copy, tmp_path):
    """A commit's own code makes its copy: one from before an option existed printed its usage."""
    first_day, today = fixture_today(), fixture_today() + dt.timedelta(days=2)
    command = handbook_copy / "handbook" / "cli.py"
    current = command.read_text()
    command.write_text(OLD_COMMAND)  # that day's tools: an export with no --draft
    git(handbook_copy, "init", "-q", "-b", "main")
    git(handbook_copy, "add", "-A")
    git(handbook_copy, "commit", "-q", "-m", "First", when=f"{first_day}T08:00:00+00:00")
    command.write_text(current)
    git(handbook_copy, "commit", "-q", "-am", "The tools of today", when=f"{today}T08:00:00+00:00")
    result = handbook_command(handbook_copy, "export", "--as-of", first_day.isoformat(), "--draft", "--dist",
                              str(tmp_path / "dist"), today=today)
    commit = git(handbook_copy, "rev-parse", "--short=7", "HEAD~1").strip()
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (f"ERROR: --as-of {first_day}: the handbook's tools of that day (commit {commit}) have no "
                             "--draft option - make the copy of that day without it, or choose a later day\n")
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())
    assert "handbook-as-of" not in git(handbook_copy, "worktree", "list")


def test_as_of_export_reproduces_the_older_version(repo, tmp_path):
    base_day = fixture_today()  # the day of the first commit
    revised = base_day + dt.timedelta(days=15)
    _merged_revision(repo, f"{revised.isoformat()}T09:00:00+00:00")
    as_of = base_day + dt.timedelta(days=5)
    working_tree = (repo / POLICY).read_text()
    made = revised + dt.timedelta(days=1)
    result = handbook_command(repo, "export", "--as-of", as_of.isoformat(), "--dist", str(tmp_path / "dist"),
                              today=made, HANDBOOK_GIT_DATES="true")
    assert result.returncode == 0, result.stdout + result.stderr
    (bundle,) = (tmp_path / "dist").glob("*.zip")
    assert bundle.name.endswith(f"-as-of-{as_of.isoformat()}.zip") and f"-{made.isoformat()}-" in bundle.name
    with zipfile.ZipFile(bundle) as archive:
        name = next(n for n in archive.namelist() if n.endswith("policies/missing-child.html"))
        page = archive.read(name).decode()
        about = archive.read(name.replace("policies/missing-child.html", "inspector-copy.html")).decode()
        listing = json.loads(archive.read(name.replace("policies/missing-child.html", "manifest.json")))
    assert REMOVED_FROM in page and ADDED not in page
    # It shows the handbook as it was on that day, and says truly on which day it was made.
    assert f"As in force on {long_date(as_of)}. Inspector copy made on {long_date(made)}" in page
    assert f"made for inspectors on {long_date(made)}" in about
    assert (listing["made_on"], listing["as_in_force_on"]) == (made.isoformat(), as_of.isoformat())
    assert (repo / POLICY).read_text() == working_tree
    assert "handbook-as-of" not in git(repo, "worktree", "list")


@pytest.mark.unit
def test_the_ofsted_notice_period_comes_from_the_registry_alone(mini):
    """The 28 days of regulation 16(3) are written once, in data/regulations.yml: change them
    there and the check follows."""
    registry = mini / "data" / "regulations.yml"
    registry.write_text(registry.read_text().replace("notice_days: 28", "notice_days: 14"))
    _sop_revised(mini, 20)
    revised = TODAY - dt.timedelta(days=20)
    deadline = revised + dt.timedelta(days=14)
    (found,) = messages(check(mini), "ofsted-notification")
    assert f"Ofsted had to be told by {deadline.day} {deadline:%B %Y} (regulation 16(3), within 14 days)" in found
    real = (REPO / "data" / "regulations.yml").read_text()
    assert real.count("notice_days:") == 1 and "notice_days: 28" in real


# --- the pull request's messages, as "How to read a failed check" quotes them ------------------

def _past_version_below(repo: Path) -> None:
    edit(repo, POLICY, ("    summary: First version, written for the home's registration.\n",
                        "    summary: First version, written for the home's registration.\n"
                        "  - version: \"0.9\"\n    date: 2026-09-01\n    summary: Interim policy.\n"))


PULL_REQUEST_SCENARIOS = [
    ("text changed, version kept", lambda repo: edit(repo, POLICY, (REMOVED_FROM, REMOVED_FROM + " " + ADDED)),
     "the text changed but"),
    ("approved document made a draft", lambda repo: edit(repo, POLICY, ("status: approved", "status: draft")),
     "became a draft"),
    ("details changed with no entry", lambda repo: edit(repo, POLICY, ("owner: Registered Manager",
                                                                       "owner: Deputy Manager")), "owner ("),
    ("review with no entry", lambda repo: edit(repo, POLICY, ("last_reviewed: 2026-10-05",
                                                              f"last_reviewed: {fixture_today().isoformat()}")),
     "no changes entry records the review"),
    ("review entry with no last_reviewed", lambda repo: edit(repo, POLICY, bump(
        version_of(repo), fixture_today().isoformat(), "Reviewed; no changes needed.", review_only=True)),
     "last_reviewed was not updated"),
    ("version lowered", lambda repo: edit(repo, POLICY, ('\nversion: "1.1"\n', '\nversion: "1.0"\n')), "went down"),
    ("document deleted", lambda repo: (repo / "policies/anti-bullying.md").unlink(), "was deleted"),
    ("past version added", _past_version_below, "is new but written below"),
    ("two new entries", lambda repo: edit(repo, POLICY, bump("1.1", "2026-11-02", "Reviewed.", review_only=True),
                                          bump("1.1", fixture_today().isoformat(), "Reviewed again.", review_only=True)),
     "new entries"),
]


@pytest.mark.parametrize("name, make, words", PULL_REQUEST_SCENARIOS, ids=[s[0] for s in PULL_REQUEST_SCENARIOS])
def test_how_to_read_a_failed_check_quotes_each_pull_request_message(repo, name, make, words):
    """A manager's review: the page that "explains every message" had none of those a pull
    request gives, which are the ones an author meets most."""
    from test_how_to_pages import _page_text

    git(repo, "update-ref", "refs/remotes/origin/main", "main")
    make(repo)
    result = handbook_command(repo, "check", "--base", "origin/main", today=fixture_today())
    found = [line.removeprefix("ERROR: ") for line in result.stdout.splitlines() if words in line]
    assert found, result.stdout
    assert f"`{found[0]}`" in _page_text(), f"{name}: the page should quote\n{found[0]}"


def test_a_change_records_one_new_entry_not_a_version_or_review_nobody_made(repo):
    """A fourth attacker's review: beside a change's own entry, a second one (a review "with Ofsted's
    inspector" in November, or a version 1.1 between 1.1 and 1.3 that never reached the main line)
    passed, and the summary named only the first."""
    today = fixture_today().isoformat()
    raised, new = raise_version(repo)
    newer = next_of(new)
    edit(repo, POLICY, (REMOVED_FROM, REMOVED_FROM + " " + ADDED), (raised[0], raised[1].replace(new, newer)),
         bump(new, "2026-11-02", "Stage 3 reviewed by Ofsted's inspector.", approved=False),
         bump(newer, today, "Evening gate check added."))
    result = check_base(repo)
    assert result.returncode == 1
    assert (f"ERROR: {POLICY}, line {_line_of(repo, 'changes:')}: changes gains 2 new entries ({newer} ({today}), "
            f"{new} (2026-11-02)): a change records one new version, or one review - keep one entry, for version "
            f"{newer}, that says all that this change does; a version or review that did not reach the main line was "
            "never in force") in result.stdout.splitlines(), result.stdout

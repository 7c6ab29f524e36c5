"""Promises of README.md that no other test proved (found by a reader who matched each promise
of the README with the test proving it): each test names the README's section."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import (
    SOP_BODY,
    TODAY,
    approved_change,
    check,
    front_matter,
    messages,
    statement_of_purpose,
    write_document,
)

pytestmark = pytest.mark.unit

POLICY = "policies/missing-child.md"
SOP = "statement-of-purpose/statement-of-purpose.md"


def test_an_approval_dated_before_its_version_is_an_error(mini):
    """"Approval belongs to a version": approved_on, on or after the entry's date."""
    made = (TODAY - dt.timedelta(days=30)).isoformat()
    before = (TODAY - dt.timedelta(days=40)).isoformat()
    change = approved_change("1.0", made, "First version.", approved_on=before)
    write_document(mini, POLICY, front_matter(changes=[change]))
    line = (mini / POLICY).read_text().splitlines().index(f"  approved_on: '{before}'") + 1  # approved_on's own line
    assert messages(check(mini), "approval") == [
        f"{POLICY}, line {line}: version 1.0 is dated {_long(made)} but its approval is dated {_long(before)}, before "
        "the version existed - record the date the Responsible Individual approved version 1.0"]


def test_a_notice_to_ofsted_cannot_be_recorded_while_the_statement_prints_a_fact_to_confirm(mini):
    """"How to change": a version that still prints a fact to confirm cannot record a notice."""
    write_document(mini, SOP, statement_of_purpose(), body=SOP_BODY + "\nCompany number: {{ home.company_number }}.\n")
    assert messages(check(mini), "ofsted-notification") == [
        f"{SOP}, line 15: revision 1.0 records ofsted_notified_on, but the statement still prints facts to confirm "
        "(company_number) - confirm those facts in data/home.yml first; Ofsted must be sent the statement as it "
        "stands"]


# "Security": characters that reverse the order text is shown in are refused in the text and the title.
REVERSING = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
             "\u200f", "\u061c"]


@pytest.mark.parametrize("mark", REVERSING, ids=[f"U+{ord(m):04X}" for m in REVERSING])
def test_every_direction_mark_is_refused_in_the_text_and_the_title(mini, mark):
    write_document(mini, POLICY, front_matter(title=f"Missing child{mark} policy"), body=f"Call 15 30{mark} 60.\n")
    found = [f for f in check(mini).findings if f.check == "content-policy"]
    assert sorted(f.field or "text" for f in found) == ["text", "title"], [str(f) for f in found]
    assert all(f"U+{ord(mark):04X}" in f.message for f in found)


def test_a_word_wholly_in_greek_or_cyrillic_is_fine(mini):
    """"Security": words wholly in Cyrillic or Greek are fine (only a Latin word holding a look-alike
    letter is refused)."""
    write_document(mini, POLICY, front_matter(), body="Some children speak Ελληνικά or русский at home.\n")
    assert [str(f) for f in check(mini).findings if f.check == "content-policy"] == []


def test_a_file_whose_name_starts_with_an_underscore_is_never_read(mini):
    """"Folders": names starting with _ in policies/ are never read (so never published either)."""
    write_document(mini, "policies/_template.md", "not: [valid", body="<script>alert(1)</script>\n")
    handbook = check(mini)
    assert handbook.errors == []
    assert "policies/_template.md" not in [d.path for d in handbook.documents]


def _long(day: str) -> str:
    from handbook.sources.clock import long_date

    return long_date(dt.date.fromisoformat(day))


@pytest.mark.build
def test_make_build_replaces_site_only_with_a_complete_clean_build(tmp_path):
    """"Commands": `make build` replaces site/ only with a complete build with no errors; a failed
    build leaves the last good site/ as it was, and no half-built folder."""
    import shutil
    import subprocess

    from conftest import REPO, copy_handbook, fixture_today

    root = copy_handbook(tmp_path / "handbook")
    shutil.copy(REPO / "Makefile", root / "Makefile")
    (root / ".venv").symlink_to(REPO / ".venv")
    env = {"HANDBOOK_TODAY": fixture_today().isoformat(), "HANDBOOK_GIT_DATES": "false", "PATH": "/usr/bin:/bin"}

    def make_build() -> subprocess.CompletedProcess:  # -o: the environment is the repository's, never remade here
        return subprocess.run(["make", "-o", ".venv/.installed", "build"], cwd=root, env=env, capture_output=True,
                              text=True)

    assert make_build().returncode == 0
    good = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert "policies/missing-child.html" in {p.as_posix() for p in good}
    policy = root / "policies" / "missing-child.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace("\nversion:", "\nversion: 9\nversion:", 1),
                      encoding="utf-8")
    failed = make_build()
    assert failed.returncode != 0 and "policies/missing-child.md" in failed.stdout + failed.stderr
    assert {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == good
    assert not (root / ".site-build").exists()


def test_every_check_asks_one_place_for_todays_date():
    """"Dates": every check and build asks handbook/sources/clock.py for today (HANDBOOK_TODAY
    overrides it there); no other module reads the system's clock for a date."""
    import re
    from pathlib import Path

    repository = Path(__file__).resolve().parent.parent
    clock = re.compile(r"\b(?:date|datetime)\.(?:today|now|utcnow)\(|\btime\.(?:time|localtime|gmtime)\(")
    readers = sorted(str(p.relative_to(repository)) for folder in ("handbook", "macros")
                     for p in (repository / folder).rglob("*.py") if clock.search(p.read_text(encoding="utf-8")))
    assert readers == ["handbook/sources/clock.py"]


@pytest.mark.build
def test_make_review_compares_with_origin_main_or_the_base_given():
    """"Commands": `make review` summarises the change against origin/main, or BASE=branch."""
    import subprocess

    from conftest import REPO

    def planned(*args: str) -> list[str]:
        done = subprocess.run(["make", "-n", "review", *args], cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return [line for line in done.stdout.splitlines() if "handbook " in line]

    assert planned() == [".venv/bin/handbook review --base origin/main"]
    assert planned("BASE=release") == [".venv/bin/handbook review --base release"]


@pytest.mark.build
def test_make_check_also_checks_the_change_against_origin_main_when_there_is_one(tmp_path):
    """"Commands": a new user's review found `make check` passing a text change whose version was
    not raised, which the pull request then failed: `make check` checks against origin/main (or
    BASE=branch) when it exists, and runs without it when it does not."""
    import shutil
    import subprocess

    from conftest import REPO, copy_handbook, fixture_today

    root = copy_handbook(tmp_path / "handbook")
    shutil.copy(REPO / "Makefile", root / "Makefile")
    (root / ".venv").symlink_to(REPO / ".venv")
    (root / ".gitignore").write_text(".venv\n")
    env = {"HANDBOOK_TODAY": fixture_today().isoformat(), "PATH": "/usr/bin:/bin", "GIT_AUTHOR_NAME": "A",
           "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Handbook"],
                    ["checkout", "-q", "-b", "change"]):
        subprocess.run(["git", *command], cwd=root, env=env, check=True)
    policy = root / "policies" / "missing-child.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace("Follow these steps in order, straight away.",
                                                                 "Follow these steps in order."), encoding="utf-8")

    def make_check(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["make", "-s", "-o", ".venv/.installed", "check", *args], cwd=root, env=env,
                              capture_output=True, text=True)

    compared = make_check("BASE=main")
    assert compared.returncode != 0 and "the text changed but version is still 1.1" in compared.stdout, compared.stdout
    alone = make_check()   # no origin/main in this repository: the checks run without a base
    assert alone.returncode == 0, alone.stdout + alone.stderr


@pytest.mark.build
def test_make_serve_takes_another_port():
    """"Getting started": `make serve` serves at 127.0.0.1:8000, or PORT=8001."""
    import subprocess

    from conftest import REPO

    def planned(*args: str) -> str:
        done = subprocess.run(["make", "-n", "-o", ".venv/.installed", "serve", *args], cwd=REPO, capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "--dev-addr 127.0.0.1:8000" in planned()
    assert "--dev-addr 127.0.0.1:8001" in planned("PORT=8001")


def test_the_elements_a_document_may_use_are_the_ones_the_check_allows():
    """"What a document may contain": the README's list of elements is the check's own list
    (an attacker's review found <strike> passing the check while the README said "only this HTML")."""
    import re

    from conftest import REPO

    from handbook.checks.content_policy import PAGE_ELEMENTS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = readme.split("- elements: ", 1)[1].split(" (the theme draws", 1)[0]
    assert set(re.findall(r"`([a-z0-9]+)`", listed)) == PAGE_ELEMENTS

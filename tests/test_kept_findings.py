"""The content policy's findings kept between runs (handbook/checks/content_policy.py, in the
handbook's cache): an unchanged page is not read again, and nothing kept can hide a problem: a
changed page, a link that no longer leads anywhere, changed code or a cache the repository holds
all make the page be read again."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import TODAY, check, commit_all, front_matter, write_document

from handbook.checks import content_policy
from handbook.checks.content_policy import cache_name
from handbook.sources.cache import package_fingerprint

pytestmark = pytest.mark.unit

POLICY = "policies/missing-child.md"
SCRIPT = "<script> is not allowed in a document"
DOCTORED = "a finding no check makes, written into the cache"


@pytest.fixture
def cache(mini, monkeypatch) -> Path:
    """The handbook's own cache folder, and no page remembered by this process (as in a new run)."""
    monkeypatch.delenv("HANDBOOK_CACHE_DIR", raising=False)
    monkeypatch.setattr(content_policy, "_checked", {})
    return mini / ".cache" / "handbook"


def new_run(monkeypatch) -> None:
    monkeypatch.setattr(content_policy, "_checked", {})


def policy_messages(root: Path) -> list[str]:
    return [f.message for f in check(root).findings if f.check == "content-policy"]


def doctor(cache: Path) -> None:
    """Write over every kept page's findings one that no check makes, to see where an answer came from."""
    path = cache / cache_name(None)
    stored = json.loads(path.read_text(encoding="utf-8"))
    for entry in stored["entries"].values():
        entry["findings"] = [{"severity": "error", "path": "the cache", "message": DOCTORED, "fix": "none",
                              "check": "content-policy", "field": None, "line": None}]
    path.write_text(json.dumps(stored), encoding="utf-8")


def test_an_unchanged_page_is_not_read_again_and_a_changed_one_is(mini, cache, monkeypatch):
    write_document(mini, POLICY, front_matter(), body="First paragraph.\n\n<script>alert(1)</script>\n")
    assert policy_messages(mini) == [SCRIPT]
    assert (cache / "content-policy.json").is_file()

    doctor(cache)
    new_run(monkeypatch)
    assert DOCTORED in policy_messages(mini)    # the kept answer, not a new reading

    write_document(mini, POLICY, front_matter(), body="First paragraph, changed.\n\n<script>alert(1)</script>\n")
    new_run(monkeypatch)
    findings = [f for f in check(mini).findings if f.check == "content-policy"]
    assert [f.message for f in findings if f.path == POLICY] == [SCRIPT]   # the changed page, read again
    assert {f.message for f in findings if f.path != POLICY} == {DOCTORED}   # the others, as kept


def test_a_kept_page_is_read_again_when_a_link_it_relied_on_no_longer_leads_anywhere(mini, cache, monkeypatch):
    write_document(mini, POLICY, front_matter(), body="See [complaints](complaints.md).\n")
    write_document(mini, "policies/complaints.md", front_matter(id="complaints", title="Complaints policy"))
    assert policy_messages(mini) == []

    (mini / "policies" / "complaints.md").unlink()
    new_run(monkeypatch)
    assert policy_messages(mini) == [
        "the link 'complaints.md' does not lead to a document, page or file of the handbook"]


def test_a_cache_made_by_other_code_is_not_read(mini, cache, monkeypatch):
    write_document(mini, POLICY, front_matter(), body="<script>alert(1)</script>\n")
    policy_messages(mini)
    doctor(cache)
    monkeypatch.setattr(content_policy, "code_fingerprint", lambda *libraries: "other code")
    new_run(monkeypatch)
    assert policy_messages(mini) == [SCRIPT]


def test_the_fingerprint_changes_with_any_module_of_the_code(tmp_path):
    package = tmp_path / "package"
    (package / "checks").mkdir(parents=True)
    (package / "checks" / "rules.py").write_text("LIMIT = 100\n", encoding="utf-8")
    first = package_fingerprint(package, ("markdown 3.7",))
    assert package_fingerprint(package, ("markdown 3.7",)) == first
    (package / "checks" / "rules.py").write_text("LIMIT = 101\n", encoding="utf-8")
    changed = package_fingerprint(package, ("markdown 3.7",))
    (package / "checks" / "more.py").write_text("", encoding="utf-8")
    added = package_fingerprint(package, ("markdown 3.7",))
    assert len({first, changed, added, package_fingerprint(package, ("markdown 3.7", "jinja2 3.1"))}) == 4


@pytest.mark.build
def test_a_cache_the_repository_holds_is_never_read(mini, cache, monkeypatch):
    """A change could commit a cache saying its harmful page passed; only a cache made on this
    machine is read."""
    write_document(mini, POLICY, front_matter(), body="<script>alert(1)</script>\n")
    assert policy_messages(mini) == [SCRIPT]
    doctor(cache)
    for entry in json.loads((cache / "content-policy.json").read_text(encoding="utf-8"))["entries"].values():
        assert entry["findings"][0]["message"] == DOCTORED
    commit_all(mini, TODAY)   # .cache/ committed with the rest (this handbook has no .gitignore)
    new_run(monkeypatch)
    assert policy_messages(mini) == [SCRIPT]

    # The same file, no longer committed, is this machine's own cache, and is read.
    subprocess.run(["git", "rm", "-q", "-r", "--cached", ".cache"], cwd=mini, check=True)
    doctor(cache)
    new_run(monkeypatch)
    assert DOCTORED in policy_messages(mini)


@pytest.mark.build
def test_a_cache_committed_behind_a_symbolic_link_is_never_read(mini, cache, monkeypatch):
    """`.cache` committed as a link to a committed folder: git lists nothing under .cache/handbook
    (it does not follow links), but the entries still came with the change."""
    write_document(mini, POLICY, front_matter(), body="<script>alert(1)</script>\n")
    assert policy_messages(mini) == [SCRIPT]
    doctor(cache)
    (mini / ".cache").rename(mini / "stash")
    (mini / ".cache").symlink_to("stash")
    assert (cache / "content-policy.json").is_file()
    commit_all(mini, TODAY)
    new_run(monkeypatch)
    assert policy_messages(mini) == [SCRIPT]

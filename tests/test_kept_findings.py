"""The content policy's findings kept between runs (handbook/checks/content_policy.py, in the
handbook's cache): an unchanged page is not read again, and nothing kept can hide a problem: a
changed page, a link that no longer leads anywhere, changed code, a cache made on another machine
(committed with a change) or a cache folder behind a symbolic link all make the page be read again."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check, front_matter, read_kept, write_document, write_kept

from handbook.checks import content_policy
from handbook.checks.content_policy import cache_name
from handbook.sources.cache import key_folder, machine_key, signed

pytestmark = pytest.mark.unit

POLICY = "policies/missing-child.md"
SCRIPT = "<script> is not allowed in a document"
DOCTORED = "a finding no check makes, written into the cache"


@pytest.fixture
def machines(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("machines")  # outside the handbook, as a home folder's cache is


@pytest.fixture
def cache(mini, monkeypatch, machines) -> Path:
    """The handbook's own cache folder, this machine's key in a folder of the test's, and no page
    remembered by this process (as in a new run)."""
    monkeypatch.delenv("HANDBOOK_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(machines / "this-machine"))
    monkeypatch.setattr(content_policy, "_checked", {})
    return mini / ".cache" / "handbook"


def new_run(monkeypatch) -> None:
    monkeypatch.setattr(content_policy, "_checked", {})


def policy_messages(root: Path) -> list[str]:
    return [f.message for f in check(root).findings if f.check == "content-policy"]


def doctor(cache: Path) -> None:
    """Write over every kept page's findings one that no check makes, signed by this machine."""
    stored = read_kept(cache / cache_name(None))
    for entry in stored["entries"].values():
        entry["findings"] = [{"severity": "error", "path": "the cache", "message": DOCTORED, "fix": "none",
                              "check": "content-policy", "field": None, "line": None}]
    write_kept(cache / cache_name(None), stored)


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


def test_a_kept_page_is_read_again_when_a_section_it_links_to_is_renamed(mini, cache, monkeypatch):
    write_document(mini, POLICY, front_matter(), body="See [who to tell](complaints.md#who-to-tell).\n")
    write_document(mini, "policies/complaints.md", front_matter(id="complaints", title="Complaints policy"),
                   body="## Who to tell\n\nThe manager.\n")
    assert policy_messages(mini) == []

    write_document(mini, "policies/complaints.md", front_matter(id="complaints", title="Complaints policy"),
                   body="## Who you can tell\n\nThe manager.\n")
    new_run(monkeypatch)
    assert policy_messages(mini) == [
        "the link 'complaints.md#who-to-tell' leads to a section the page does not have (#who-to-tell): readers would "
        "land at the top of the page"]


def test_a_cache_made_by_other_code_is_not_read(mini, cache, monkeypatch):
    write_document(mini, POLICY, front_matter(), body="<script>alert(1)</script>\n")
    policy_messages(mini)
    doctor(cache)
    monkeypatch.setattr(content_policy, "CACHE_FINGERPRINT", "other code")
    new_run(monkeypatch)
    assert policy_messages(mini) == [SCRIPT]


def test_code_that_cannot_be_hashed_keeps_nothing(mini, cache, monkeypatch):
    """An editor's lock file in the code (handbook/sources/cache.py, code_fingerprint)."""
    monkeypatch.setattr(content_policy, "CACHE_FINGERPRINT", None)
    write_document(mini, POLICY, front_matter(), body="<script>alert(1)</script>\n")
    assert policy_messages(mini) == [SCRIPT]
    assert not (cache / "content-policy.json").exists()


def test_a_cache_made_on_another_machine_is_never_read(mini, cache, monkeypatch, machines):
    """A change could commit a cache saying its harmful page passed, wherever the cache is read
    from: only a file signed with this machine's key is read."""
    write_document(mini, POLICY, front_matter(), body="<script>alert(1)</script>\n")
    assert policy_messages(mini) == [SCRIPT]
    doctor(cache)   # signed by the machine that made it
    new_run(monkeypatch)
    assert DOCTORED in policy_messages(mini)

    monkeypatch.setenv("XDG_CACHE_HOME", str(machines / "another-machine"))
    doctor(cache)   # the same made-up cache, signed by another machine (as a committed one would be)
    monkeypatch.setenv("XDG_CACHE_HOME", str(machines / "this-machine"))
    new_run(monkeypatch)
    assert policy_messages(mini) == [SCRIPT]
    key = (machines / "this-machine" / "cura-handbook" / "cache-key")
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32


def test_a_cache_folder_behind_a_symbolic_link_is_neither_read_nor_written(mini, cache, monkeypatch):
    """A committed link (.cache -> another folder) could send the cache's writes anywhere."""
    write_document(mini, POLICY, front_matter(), body="<script>alert(1)</script>\n")
    assert policy_messages(mini) == [SCRIPT]
    doctor(cache)
    (mini / ".cache").rename(mini / "elsewhere")
    (mini / ".cache").symlink_to("elsewhere")
    kept = (mini / "elsewhere" / "handbook" / "content-policy.json").read_bytes()
    write_document(mini, POLICY, front_matter(), body="Changed.\n\n<script>alert(1)</script>\n")
    new_run(monkeypatch)
    assert policy_messages(mini) == [SCRIPT]
    assert (mini / "elsewhere" / "handbook" / "content-policy.json").read_bytes() == kept   # nothing written there


@pytest.mark.parametrize("entry", [
    {"findings": [{"severity": "error", "path": "p", "message": "m", "fix": "f", "check": "content-policy",
                   "field": None, "line": "x"}], "asked": {}},
    {"findings": [{"severity": "error", "path": "p", "message": "m", "fix": "f", "check": "content-policy",
                   "field": None, "line": 3, "homes": [1]}], "asked": {}},
    {"findings": "not a list", "asked": []},
], ids=["a line that is text", "a home that is a number", "wrong shapes"])
def test_a_malformed_entry_is_read_again(mini, cache, monkeypatch, entry):
    write_document(mini, POLICY, front_matter(), body="<script>alert(1)</script>\n")
    policy_messages(mini)
    stored = read_kept(cache / "content-policy.json")
    stored["entries"] = {key: entry for key in stored["entries"]}
    write_kept(cache / "content-policy.json", stored)
    new_run(monkeypatch)
    assert policy_messages(mini) == [SCRIPT]


def test_a_cache_file_nested_too_deeply_to_read_is_only_a_slower_check(mini, cache, monkeypatch):
    write_document(mini, POLICY, front_matter(), body="<script>alert(1)</script>\n")
    policy_messages(mini)
    key = machine_key(key_folder())
    assert key is not None
    (cache / "content-policy.json").write_bytes(signed(key, b"[" * 200_000))
    new_run(monkeypatch)
    assert policy_messages(mini) == [SCRIPT]

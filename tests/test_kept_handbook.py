"""The handbook as last loaded and checked, kept between runs (handbook/checks/kept.py): a run on a
handbook nothing has changed in reads the answer the last run kept; anything that could change the
answer (a file of the repository, the code, a library, a HANDBOOK_ setting, the day) makes the
handbook be loaded and checked again; and only an answer kept on this machine, made of the
handbook's own data, is ever read."""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import TODAY, front_matter, handbook_command, write_document

import macros
from handbook.checks import kept
from handbook.checks.kept import Checked, check_kept, kept_name, load_and_check_kept, read_inputs
from handbook.model.findings import Finding, Severity
from handbook.sources import cache as cache_module
from handbook.sources.cache import code_fingerprint, read_tree, write_signed

pytestmark = pytest.mark.unit

POLICY = "policies/missing-child.md"
RECENT_S = kept.RECENT_NS / 1e9  # as the handbook runs (the tests' own runs in process take 50 ms)
DOCTORED = Finding(Severity.ERROR, "the cache", "a finding no check makes, written into the kept answer", "none",
                   "content-policy")


@pytest.fixture
def machines(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("machines")  # outside the handbook, as a home folder's cache is


def settle() -> None:
    """Wait until the handbook's files were saved longer ago than RECENT_NS, which the tests set to
    50 ms (a file saved just before a run could be saved again unseen, so no answer is kept for it:
    handbook/checks/kept.py)."""
    time.sleep(0.1)


@pytest.fixture
def cache(mini, monkeypatch, machines) -> Path:
    """The handbook's own cache folder, this machine's key in a folder of the test's, and the
    handbook's files saved a little while ago."""
    monkeypatch.delenv("HANDBOOK_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(machines / "this-machine"))
    monkeypatch.setattr(kept, "RECENT_NS", 50_000_000)
    settle()
    return mini / ".cache" / "handbook"


def kept_file(root: Path, kind: str = "checked") -> Path:
    return root / ".cache" / "handbook" / kept_name(root.resolve(), kind)


def doctor(root: Path, kind: str = "checked") -> None:
    """Write over what the last run kept an answer no check gives, for the same inputs, signed by
    this machine: when a run gives it, the run read what was kept."""
    fingerprint = kept_file(root, kind).read_bytes().partition(b"\n")[2].partition(b"\n")[0]
    if kind == "checked":
        answer: object = Checked(TODAY, 99, [DOCTORED])
    else:
        answer = load_and_check_kept(root, TODAY)
        answer.findings = [DOCTORED]  # type: ignore[attr-defined]
    write_signed(root.resolve(), kept_name(root.resolve(), kind), fingerprint + b"\n" + pickle.dumps(answer))


def messages(root: Path, today: dt.date = TODAY) -> list[str]:
    return [f.message for f in check_kept(root, today).findings]


def fresh(root: Path, today: dt.date = TODAY) -> list[str]:
    """What loading and checking the handbook finds now."""
    return [f.message for f in kept.load_and_check(root, today).findings]


def not_loaded(*_args, **_kwargs):
    raise AssertionError("the handbook was loaded again")


def test_a_handbook_nothing_changed_in_is_not_loaded_again(mini, cache, monkeypatch):
    write_document(mini, POLICY, front_matter(), body="<script>alert(1)</script>\n")
    settle()
    first = check_kept(mini, TODAY)
    assert "<script> is not allowed in a document" in [f.message for f in first.findings]
    assert kept_file(mini).is_file()

    monkeypatch.setattr(kept, "load_and_check", not_loaded)
    again = check_kept(mini, TODAY)
    assert (again.today, again.documents, again.findings) == (first.today, first.documents, first.findings)

    doctor(mini)
    assert messages(mini) == [DOCTORED.message]


def _change_a_document(root: Path) -> None:
    write_document(root, POLICY, front_matter(), body="Changed.\n")


def _add_a_document(root: Path) -> None:
    write_document(root, "policies/complaints.md", front_matter(id="complaints", title="Complaints policy"))


def _change_a_data_file(root: Path) -> None:
    with (root / "data" / "home.yml").open("a", encoding="utf-8") as home:
        home.write("# a comment\n")


def _add_a_file_anywhere(root: Path) -> None:
    (root / "notes.txt").write_text("Anything.\n", encoding="utf-8")


def _add_an_empty_folder(root: Path) -> None:
    (root / "policies" / "drafts").mkdir()


def _remove_a_document(root: Path) -> None:
    (root / POLICY).unlink()


@pytest.mark.parametrize("change", [
    _change_a_document, _add_a_document, _change_a_data_file, _add_a_file_anywhere, _add_an_empty_folder,
    _remove_a_document,
], ids=["a document changed", "a document added", "a data file changed", "a file added anywhere",
        "an empty folder added", "a document removed"])
def test_any_change_to_the_repository_makes_it_load_again(mini, cache, change):
    check_kept(mini, TODAY)
    doctor(mini)
    change(mini)
    assert messages(mini) == fresh(mini) != [DOCTORED.message]


def test_another_day_a_setting_or_other_code_makes_it_load_again(mini, cache, monkeypatch):
    check_kept(mini, TODAY)

    def read_after(change) -> bool:
        doctor(mini)
        assert messages(mini) == [DOCTORED.message]
        with monkeypatch.context() as changed:
            change(changed)
            day = TODAY + dt.timedelta(days=1) if change is another_day else TODAY
            return messages(mini, day) == fresh(mini, day)

    def another_day(_changed) -> None:
        pass

    def a_setting(changed) -> None:
        changed.setenv("HANDBOOK_ANYTHING", "1")

    def other_code(changed) -> None:  # the handbook's code, a library or Python, as the process imported them
        changed.setattr(kept, "CODE_FINGERPRINT", "other code")

    for change in (another_day, a_setting, other_code):
        assert read_after(change), change.__name__
        check_kept(mini, TODAY)  # kept again for the inputs as they are (one answer is kept for a handbook)


def test_what_the_tools_make_is_not_part_of_the_answer(mini, cache):
    check_kept(mini, TODAY)
    doctor(mini)
    for made in ("site/index.html", "dist/copy.zip", ".git/HEAD", ".venv/pyvenv.cfg", ".cache/other.json",
                 "publish/staff/index.html", ".site-build/index.html", ".publish-x1y2/staff/index.html"):
        (mini / made).parent.mkdir(parents=True, exist_ok=True)
        (mini / made).write_text("made\n", encoding="utf-8")
    assert messages(mini) == [DOCTORED.message]


def test_an_answer_kept_on_another_machine_is_never_read(mini, cache, monkeypatch, machines):
    """A change could commit a kept answer saying its harmful page passed: only a file signed with
    this machine's key is read."""
    check_kept(mini, TODAY)
    monkeypatch.setenv("XDG_CACHE_HOME", str(machines / "another-machine"))
    doctor(mini)
    monkeypatch.setenv("XDG_CACHE_HOME", str(machines / "this-machine"))
    assert messages(mini) == fresh(mini)


def _calls(module: str, name: str, *args: str) -> bytes:
    """A pickle that looks up `name` in `module` and calls it with `args` (protocol 4, by hand: a
    dotted name reaches what a module imported)."""
    def text(value: str) -> bytes:
        encoded = value.encode("utf-8")
        return b"\x8c" + bytes([len(encoded)]) + encoded
    return b"\x80\x04" + text(module) + text(name) + b"\x93(" + b"".join(map(text, args)) + b"tR."


@pytest.mark.parametrize("module, name", [("builtins", "exec"), ("handbook.checks.kept", "io.FileIO")],
                         ids=["a function", "a class another module imported"])
def test_a_kept_answer_that_would_run_code_is_refused_even_signed_here(mini, cache, machines, module, name):
    """Should this machine's key ever leak, a kept file still makes nothing but the handbook's own
    data: a pickle that calls a function, or reaches a class through a module that imported it, is
    refused, and the handbook is loaded again."""
    marker = machines / "ran"
    arguments = (f"open({str(marker)!r}, 'w').close()",) if name == "exec" else (str(marker), "w")
    check_kept(mini, TODAY)
    inputs = read_inputs(mini.resolve(), TODAY)
    assert inputs is not None
    write_signed(mini.resolve(), kept_name(mini.resolve(), "checked"),
                 inputs.fingerprint.encode() + b"\n" + _calls(module, name, *arguments))
    assert messages(mini) == fresh(mini)
    assert not marker.exists()


def test_a_kept_answer_of_another_kind_is_not_taken_for_a_handbook(mini, cache, monkeypatch):
    load_and_check_kept(mini, TODAY)
    handbook_file = kept_file(mini, "handbook")
    fingerprint = handbook_file.read_bytes().partition(b"\n")[2].partition(b"\n")[0]
    write_signed(mini.resolve(), handbook_file.name, fingerprint + b"\n" + pickle.dumps(Checked(TODAY, 99, [DOCTORED])))
    assert load_and_check_kept(mini, TODAY).findings != [DOCTORED]


def test_the_code_fingerprint_names_the_code_the_libraries_and_python(machines):
    """The kept answers and the content policy's kept findings (handbook_code) are both made by it."""
    package = machines / "package"
    package.mkdir()
    (package / "rules.py").write_text("LIMIT = 100\n", encoding="utf-8")
    first = code_fingerprint(read_tree(package), ("markdown-3.7.dist-info",))
    (package / "rules.py").write_text("LIMIT = 101\n", encoding="utf-8")
    changed = code_fingerprint(read_tree(package), ("markdown-3.7.dist-info",))
    library = code_fingerprint(read_tree(package), ("markdown-3.8.dist-info",))
    (package / "more.py").write_text("", encoding="utf-8")
    added = code_fingerprint(read_tree(package), ("markdown-3.8.dist-info",))
    assert None not in (first, changed, library, added) and len({first, changed, library, added}) == 4
    (package / ".#rules.py").symlink_to("someone@host.1234")  # an editor's lock file
    assert code_fingerprint(read_tree(package), ()) is None


def test_a_folder_changed_just_now_counts_as_changed_now(machines):
    (machines / "policies").mkdir()
    (machines / "policies" / "old.md").write_text("Saved a while ago.\n", encoding="utf-8")
    time.sleep(0.05)
    changed_ns = time.time_ns()
    (machines / "policies" / "gone.md").write_text("For a moment.\n", encoding="utf-8")
    (machines / "policies" / "gone.md").unlink()
    tree = read_tree(machines)
    assert tree is not None and tree.newest_ns >= changed_ns - 10_000_000


def test_a_file_that_grows_while_it_is_hashed_keeps_nothing(machines, monkeypatch):
    """Its size, read first, and its content, read after, would be of two different files."""
    (machines / "policy.md").write_text("Saved.\n", encoding="utf-8")
    assert read_tree(machines) is not None
    monkeypatch.setattr(cache_module, "open", lambda path, mode: io.BytesIO(b"Saved, and saved again.\n"), raising=False)
    assert read_tree(machines) is None


@pytest.mark.parametrize("owned", ["the key", "its folder"])
def test_a_key_another_user_owns_signs_nothing(mini, cache, machines, owned):
    """(The tests run as root, which may give a file to another user.)"""
    check_kept(mini, TODAY)
    kept_file(mini).unlink()
    key = machines / "this-machine" / "cura-handbook" / "cache-key"
    os.chown(key if owned == "the key" else key.parent, 12345, -1)
    cache_module.machine_key.cache_clear()
    try:
        check_kept(mini, TODAY)
    finally:
        cache_module.machine_key.cache_clear()
    assert not kept_file(mini).exists()


def test_a_file_too_large_to_hash_keeps_nothing(machines, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_TREE_FILE_BYTES", 10)
    (machines / "small.md").write_text("Ten bytes\n", encoding="utf-8")
    assert read_tree(machines) is not None
    (machines / "large.pdf").write_bytes(b"x" * 11)
    assert read_tree(machines) is None


@pytest.mark.parametrize("link, kept_then", [
    ("data/tags.yml", True), ("outside", False), ("site/index.html", False), ("data", False)],
    ids=["to a file of the handbook", "to a file outside", "to a file the tools made", "to a folder"])
def test_a_symbolic_link_counts_only_when_it_leads_to_a_file_that_counts(mini, cache, machines, link, kept_then):
    """A link to a file of the handbook counts by what it says, the file by its content where it is;
    a link to anything else could change unseen."""
    (machines / "outside").write_text("Outside.\n", encoding="utf-8")
    (mini / "site").mkdir()
    (mini / "site" / "index.html").write_text("Made.\n", encoding="utf-8")
    target = machines / "outside" if link == "outside" else mini / link
    (mini / "elsewhere").symlink_to(target)
    assert (read_inputs(mini.resolve(), TODAY) is not None) is kept_then
    assert messages(mini) == fresh(mini)


def _a_top_folder_for_a_moment(root: Path) -> None:
    (root / "homes").mkdir()
    (root / "homes").rmdir()


def _saved_again(root: Path) -> None:
    policy = root / POLICY
    policy.write_bytes(policy.read_bytes())  # in place, as an editor saves: emptied, then written


def _added_for_a_moment(root: Path) -> None:
    (root / "docs" / "map.md").write_text("# Map\n", encoding="utf-8")
    (root / "docs" / "map.md").unlink()


def _moved_away_and_back(root: Path) -> None:
    (root / "policies").rename(root / "policies-away")
    (root / "policies-away").rename(root / "policies")


@pytest.mark.parametrize("meanwhile", [
    _change_a_document, _saved_again, _added_for_a_moment, _moved_away_and_back, _a_top_folder_for_a_moment,
], ids=["changed", "saved again with the same words", "a file added for a moment", "a folder moved away and back",
        "a folder at the top for a moment"])
def test_nothing_is_kept_when_the_repository_changes_while_it_is_checked(mini, cache, monkeypatch, meanwhile):
    """The check may have read a file half-written, or a file that was there only for a moment,
    even when everything ends as it began."""
    (mini / "docs").mkdir(exist_ok=True)
    settle()
    loaded = kept.load_and_check

    def changing_meanwhile(root, today):
        handbook = loaded(root, today)
        meanwhile(mini)
        return handbook

    monkeypatch.setattr(kept, "load_and_check", changing_meanwhile)
    check_kept(mini, TODAY)
    assert not kept_file(mini).exists()


def test_a_file_saved_with_an_old_modification_time_counts_as_saved_now(machines):
    """A copy that keeps times (cp -p, rsync -t, tar) says a file was modified long ago; the time
    its inode changed cannot be set, and counts."""
    saved_ns = time.time_ns()
    (machines / "policy.md").write_text("Saved now.\n", encoding="utf-8")
    hour_ago = time.time() - 3600
    os.utime(machines / "policy.md", (hour_ago, hour_ago))
    tree = read_tree(machines)
    assert tree is not None and tree.newest_ns >= saved_ns - 10_000_000  # (a file system's clock ticks coarsely)


def test_nothing_is_kept_for_a_file_saved_just_before_the_run(mini, cache, monkeypatch):
    _change_a_document(mini)
    with monkeypatch.context() as as_made:
        as_made.setattr(kept, "RECENT_NS", int(RECENT_S * 1e9))  # as the handbook runs
        check_kept(mini, TODAY)
    assert not kept_file(mini).exists()
    settle()
    check_kept(mini, TODAY)
    assert kept_file(mini).exists()
    assert kept_file(mini).stat().st_mode & 0o777 == 0o600  # what the handbook holds is for staff


def test_nothing_is_kept_for_code_that_cannot_be_hashed(mini, cache, monkeypatch):
    """An editor's lock file in the code (a symbolic link, `.#rules.py`): a change to the code
    would go unseen."""
    monkeypatch.setattr(kept, "CODE_FINGERPRINT", None)
    check_kept(mini, TODAY)
    assert not kept_file(mini).exists()


def test_a_key_committed_in_the_repository_signs_nothing(mini, cache, monkeypatch):
    """A change could commit a key and an answer signed with it: a key inside the repository, or
    one others may read (as every checked-out file is), is never used."""
    committed = mini / ".cache" / "cura-handbook"
    committed.mkdir(parents=True)
    (committed / "cache-key").write_bytes(b"k" * 32)
    (committed / "cache-key").chmod(0o600)
    monkeypatch.setenv("XDG_CACHE_HOME", str(mini / ".cache"))
    settle()
    check_kept(mini, TODAY)
    assert not kept_file(mini).exists()


@pytest.mark.parametrize("made", ["readable by others", "a hard link", "in a folder others may write to"])
def test_a_key_this_user_did_not_make_for_itself_signs_nothing(mini, cache, machines, made):
    key = machines / "this-machine" / "cura-handbook" / "cache-key"
    key.parent.mkdir(parents=True, mode=0o700)
    key.write_bytes(b"k" * 32)
    key.chmod(0o600)
    if made == "readable by others":
        key.chmod(0o644)
    elif made == "a hard link":
        os.link(key, machines / "linked-key")
    else:
        key.parent.chmod(0o777)
    check_kept(mini, TODAY)
    assert not kept_file(mini).exists()


@pytest.mark.parametrize("folder", ["docs/cache", "site/cache", "dist"])
def test_a_cache_folder_inside_the_handbook_keeps_nothing(mini, cache, monkeypatch, folder):
    """Its own files would be read as the handbook's (a page beside them, unseen) or published with
    the site: only a cache folder outside the repository or under .cache/ keeps an answer."""
    monkeypatch.setenv("HANDBOOK_CACHE_DIR", str(mini / folder))
    assert read_inputs(mini.resolve(), TODAY) is None
    check_kept(mini, TODAY)
    assert not (mini / folder / kept_name(mini.resolve(), "checked")).exists()
    monkeypatch.setenv("HANDBOOK_CACHE_DIR", str(mini / ".cache" / "elsewhere"))
    assert read_inputs(mini.resolve(), TODAY) is not None


def test_a_cache_folder_a_change_sends_elsewhere_keeps_nothing(mini, cache, monkeypatch, machines):
    """A committed link `.cache -> ../elsewhere` would send the kept answers out of the repository."""
    (machines / "elsewhere").mkdir()
    (mini / ".cache").symlink_to(machines / "elsewhere")
    monkeypatch.setenv("HANDBOOK_CACHE_DIR", str(mini / ".cache" / "handbook"))
    assert read_inputs(mini.resolve(), TODAY) is None


@pytest.mark.parametrize("named", [True, False], ids=["named for the run", "the handbook's own"])
def test_a_cache_folder_that_is_a_symbolic_link_loop_is_only_a_slower_check(mini, cache, monkeypatch, machines, named):
    """A change can commit the loop `.cache -> .cache`."""
    if named:
        (machines / "loop").symlink_to(machines / "loop")
        monkeypatch.setenv("HANDBOOK_CACHE_DIR", str(machines / "loop"))
    else:
        (mini / ".cache").symlink_to(".cache")
    assert messages(mini) == fresh(mini)


def test_the_build_reads_the_kept_handbook(mini, cache, monkeypatch):
    """mkdocs-macros' define_env (macros/__init__.py) loads the handbook through the kept one."""
    monkeypatch.setenv("HANDBOOK_TODAY", TODAY.isoformat())  # the day the build takes
    monkeypatch.delenv("HANDBOOK_EDITION", raising=False)
    load_and_check_kept(mini, TODAY)
    assert kept_file(mini, "handbook").is_file()
    doctor(mini, "handbook")
    monkeypatch.setattr(kept, "load_and_check", not_loaded)
    env = SimpleNamespace(project_dir=str(mini), variables={}, macro=lambda function, name: None)
    macros.define_env(env)
    assert env.handbook.findings == [DOCTORED]


def test_handbook_check_prints_the_kept_answer_until_something_changes(mini, cache):
    (mini / "mkdocs.yml").write_text("site_name: A home\n", encoding="utf-8")  # the repository's top
    time.sleep(RECENT_S + 0.1)  # the command keeps nothing for files saved in the two seconds before it
    first = handbook_command(mini, "check")
    assert first.returncode == 0, first.stdout + first.stderr
    doctor(mini)
    doctored = handbook_command(mini, "check")
    assert (doctored.returncode, doctored.stdout.splitlines()) == (1, [
        f"ERROR: {DOCTORED}", f"Checked 99 documents on {TODAY.isoformat()}: 1 error, 0 warnings."])
    _change_a_document(mini)
    assert handbook_command(mini, "check").stdout == first.stdout

"""The handbook as last loaded and checked, kept between runs (handbook/checks/kept.py): a run on a
handbook nothing has changed in reads the answer the last run kept; anything that could change the
answer (a file of the repository, the code, a library, a HANDBOOK_ setting, the day) makes the
handbook be loaded and checked again; and only an answer kept on this machine, made of the
handbook's own data, is ever read."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import TODAY, front_matter, handbook_command, write_document

import macros
from handbook.checks import kept
from handbook.checks.kept import Checked, check_kept, inputs_fingerprint, kept_name, load_and_check_kept
from handbook.model.findings import Finding, Severity
from handbook.sources.cache import write_signed

pytestmark = pytest.mark.unit

POLICY = "policies/missing-child.md"
DOCTORED = Finding(Severity.ERROR, "the cache", "a finding no check makes, written into the kept answer", "none",
                   "content-policy")


@pytest.fixture
def machines(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("machines")  # outside the handbook, as a home folder's cache is


@pytest.fixture
def cache(mini, monkeypatch, machines) -> Path:
    """The handbook's own cache folder, and this machine's key in a folder of the test's."""
    monkeypatch.delenv("HANDBOOK_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(machines / "this-machine"))
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


def test_another_day_a_setting_the_code_or_a_library_makes_it_load_again(mini, cache, monkeypatch, machines):
    package = machines / "package"
    package.mkdir()
    (package / "rules.py").write_text("LIMIT = 100\n", encoding="utf-8")
    monkeypatch.setattr(kept, "PACKAGE", package)
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

    def the_code(_changed) -> None:
        (package / "rules.py").write_text("LIMIT = 101\n", encoding="utf-8")

    def a_library(changed) -> None:
        changed.setattr(kept, "installed_distributions", lambda: ("markdown-3.8.dist-info",))

    for change in (another_day, a_setting, the_code, a_library):
        assert read_after(change), change.__name__
        check_kept(mini, TODAY)  # kept again, for the inputs as they are now


def test_what_the_tools_make_is_not_part_of_the_answer(mini, cache):
    check_kept(mini, TODAY)
    doctor(mini)
    for made in ("site/index.html", "dist/copy.zip", ".git/HEAD", ".venv/pyvenv.cfg", ".cache/other.json"):
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


def test_a_kept_answer_that_would_run_code_is_refused_even_signed_here(mini, cache, machines):
    """Should this machine's key ever leak, a kept file still makes nothing but the handbook's own
    data: a pickle that calls a function is refused, and the handbook is loaded again."""
    marker = machines / "ran"

    class RunsCode:
        def __reduce__(self):
            return exec, (f"open({str(marker)!r}, 'w').close()",)

    check_kept(mini, TODAY)
    fingerprint = inputs_fingerprint(mini.resolve(), TODAY)
    assert fingerprint is not None
    write_signed(mini.resolve(), kept_name(mini.resolve(), "checked"), fingerprint.encode() + b"\n" + pickle.dumps(RunsCode()))
    assert messages(mini) == fresh(mini)
    assert not marker.exists()


def test_a_repository_holding_a_symbolic_link_is_always_loaded_again(mini, cache):
    (mini / "elsewhere").symlink_to(mini / "data")
    assert inputs_fingerprint(mini.resolve(), TODAY) is None
    assert messages(mini) == fresh(mini)
    assert not kept_file(mini).exists()


def test_nothing_is_kept_when_the_repository_changes_while_it_is_checked(mini, cache, monkeypatch):
    loaded = kept.load_and_check

    def changing_meanwhile(root, today):
        handbook = loaded(root, today)
        _change_a_document(mini)
        return handbook

    monkeypatch.setattr(kept, "load_and_check", changing_meanwhile)
    check_kept(mini, TODAY)
    assert not kept_file(mini).exists()


def test_the_build_reads_the_kept_handbook(mini, cache, monkeypatch):
    """mkdocs-macros' define_env (macros/__init__.py) loads the handbook through the kept one."""
    monkeypatch.setenv("HANDBOOK_TODAY", TODAY.isoformat())  # the day the build takes
    monkeypatch.delenv("HANDBOOK_EDITION", raising=False)
    load_and_check_kept(mini, TODAY)
    doctor(mini, "handbook")
    monkeypatch.setattr(kept, "load_and_check", not_loaded)
    env = SimpleNamespace(project_dir=str(mini), variables={}, macro=lambda function, name: None)
    macros.define_env(env)
    assert env.handbook.findings == [DOCTORED]


def test_handbook_check_prints_the_kept_answer_until_something_changes(mini, cache):
    (mini / "mkdocs.yml").write_text("site_name: A home\n", encoding="utf-8")  # the repository's top
    first = handbook_command(mini, "check")
    assert first.returncode == 0, first.stdout + first.stderr
    doctor(mini)
    doctored = handbook_command(mini, "check")
    assert (doctored.returncode, doctored.stdout.splitlines()) == (1, [
        f"ERROR: {DOCTORED}", f"Checked 99 documents on {TODAY.isoformat()}: 1 error, 0 warnings."])
    _change_a_document(mini)
    assert handbook_command(mini, "check").stdout == first.stdout

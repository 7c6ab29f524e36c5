"""Shared test helpers: a small throwaway handbook to check, and copies of the real one."""

from __future__ import annotations

import compileall
import datetime as dt
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TODAY = dt.date(2026, 11, 26)  # "today" for the small fixture handbooks; their dates are relative to it

MINI_REGISTRY = {
    "instruments": {
        "chr2015": {
            "title": "The Children's Homes (England) Regulations 2015",
            "url": "https://www.legislation.gov.uk/uksi/2015/541",
            "default": True,
            "regulations": [
                {"ref": "16", "title": "Statement of purpose", "document": "required",
                 "kind": "statement-of-purpose", "url": "https://www.legislation.gov.uk/uksi/2015/541/regulation/16",
                 "quote": "compile a written statement (the statement of purpose)", "notice_days": 28},
                {"ref": "34(4)", "title": "Missing child policy", "document": "required",
                 "url": "https://www.legislation.gov.uk/uksi/2015/541/regulation/34",
                 "quote": "prepare and implement a policy which sets out the steps to be taken"},
                {"ref": "12", "title": "The protection of children standard", "document": "expected",
                 "url": "https://www.legislation.gov.uk/uksi/2015/541/regulation/12"},
            ],
            "schedule_1": [
                {"matter": 1, "group": "Quality and purpose of care", "text": "The range of needs of the children."},
                {"matter": 2, "group": "Quality and purpose of care", "text": "The home's ethos and outcomes."},
            ],
            "childrens_guide": [
                {"id": "expect", "text": "What each child can expect of and from the home's care."},
                {"id": "complain", "text": "How to make a complaint."},
            ],
        }
    }
}


def approved_change(version: str, day: str, summary: str, **extra) -> dict:
    """A changes entry for a version the Responsible Individual approved on the day it was made."""
    return {"version": version, "date": day, "summary": summary, "approved_by": "Responsible Individual",
            "approved_on": day, **extra}


def front_matter(**overrides) -> dict:
    """A valid approved policy's front matter, last reviewed 30 days before TODAY."""
    reviewed = (TODAY - dt.timedelta(days=30)).isoformat()
    meta = {
        "id": "missing-child", "title": "Missing child policy", "kind": "policy", "status": "approved",
        "version": "1.0", "owner": "Registered Manager", "last_reviewed": reviewed, "review_every_months": 12,
        "regulations": ["34(4)", "12"], "audience": ["staff", "inspectors"],
        "changes": [approved_change("1.0", reviewed, "First version.")],
    }
    meta.update(overrides)
    return {k: v for k, v in meta.items() if v is not None}


SOP_BODY = "## The children we care for\n\nText.\n\n## Our ethos\n\nText.\n"
GUIDE_BODY = "## What you can expect\n\nText.\n\n## If you are unhappy\n\nText.\n"


def reviewed_on(day: str) -> dict:
    """Front-matter fields of a document approved, last reviewed and first issued on `day`."""
    return {"last_reviewed": day, "changes": [approved_change("1.0", day, "First.")]}


def statement_of_purpose(**overrides) -> dict:
    """Its one revision was notified to Ofsted the day it was made."""
    reviewed = (TODAY - dt.timedelta(days=30)).isoformat()
    values = {"id": "statement-of-purpose", "title": "Statement of Purpose", "kind": "statement-of-purpose",
              "regulations": ["16"], "schedule_1": {1: "#the-children-we-care-for", 2: "#our-ethos"},
              "changes": [approved_change("1.0", reviewed, "First version.", ofsted_notified_on=reviewed)],
              **overrides}
    return front_matter(**values)


def childrens_guide(**overrides) -> dict:
    values = {"id": "childrens-guide", "title": "Children's guide", "kind": "childrens-guide",
              "regulations": [], "guide_items": {"expect": "#what-you-can-expect", "complain": "#if-you-are-unhappy"},
              **overrides}
    return front_matter(**values)


def write_document(root: Path, relative: str, meta: dict | str, body: str = "Text of the document.\n") -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    head = meta if isinstance(meta, str) else yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    path.write_text(f"---\n{head}---\n\n{body}", encoding="utf-8")
    return path


REGISTERED = {"stage": "registered", "registered_on": "2026-01-05"}
APPLYING = {"stage": "applying"}


def write_home(root: Path, **changes) -> Path:
    """The real home facts with some changed (a fictional URN, another registration stage...)."""
    facts = yaml.safe_load((REPO / "data" / "home.yml").read_text(encoding="utf-8"))
    facts.update(changes)
    path = root / "data" / "home.yml"
    path.write_text(yaml.safe_dump(facts, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def read_kept(path: Path) -> dict:
    """A cache file of the handbook's (handbook/sources/cache.py): its signature line, then JSON."""
    return json.loads(path.read_bytes().partition(b"\n")[2])


def write_kept(path: Path, stored: dict) -> None:
    """Write a cache file as this machine would, signed with its key: a made-up figure in it is
    then read, which shows where an answer came from."""
    from handbook.sources.cache import key_folder, machine_key, signed

    key = machine_key(key_folder())
    assert key is not None
    path.write_bytes(signed(key, json.dumps(stored).encode("utf-8")))


# --- test tiers --------------------------------------------------------------------
# Every test belongs to one tier, by its nearest marker (a test's own marker beats its
# module's `pytestmark`): unit (in-process, no subprocess, no build), build (end-to-end
# commands and builds on throwaway handbooks) or browser (Chromium, links, exports).
# `make test` runs them all; `make test-fast` runs `pytest --tier unit`.
TIERS = ("unit", "build", "browser")


def pytest_addoption(parser):
    parser.addoption("--tier", choices=TIERS, help="run only the tests of this tier")


# --- one run of the suite -------------------------------------------------------------
# Every build in the run shares one readability cache (handbook/sources/cache.py): a grade is
# keyed by the document's text and the rules, so a build of another throwaway copy of the same
# documents reuses it. Tests of the cache itself set their own folder.
# The run's duration is written to .cache/handbook/test-run.json for `make bench` to report.
TEST_RUN_RECORD = REPO / ".cache" / "handbook" / "test-run.json"
_run: dict = {}


def pytest_configure(config):
    _run["started"] = time.perf_counter()
    if not hasattr(config, "workerinput"):  # once, before pytest-xdist's workers start
        for name in CODE:
            compileall.compile_dir(REPO / name, quiet=1)
    if "HANDBOOK_CACHE_DIR" not in os.environ:
        _run["cache"] = tempfile.mkdtemp(prefix="handbook-test-cache-")
        os.environ["HANDBOOK_CACHE_DIR"] = _run["cache"]


def whole_suite(config, reporter) -> bool:
    """Whether this run is the whole suite: pytest's own test paths, with no --tier, -k or -m and
    nothing deselected. (With pytest-xdist the workers deselect, so the controller's reporter never
    counts a --tier run's deselected tests: the options themselves are read.)"""
    return (config.args_source == pytest.Config.ArgsSource.TESTPATHS and not config.getoption("--tier")
            and not config.getoption("keyword") and not config.getoption("markexpr")
            and not (reporter is not None and reporter.stats.get("deselected")))


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the controller records the run
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    counts = {key: len(reporter.stats.get(key, [])) for key in ("passed", "failed", "error", "skipped")} \
        if reporter is not None else {}
    if not whole_suite(session.config, reporter):
        return  # the record is of `make test`: a run of part of the suite leaves it as it is
    record = {"finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "duration_s": round(time.perf_counter() - _run["started"], 1), "exit_status": int(exitstatus),
              "collected": session.testscollected, **counts, "whole_suite": True,
              "args": [str(a) for a in session.config.args]}
    try:
        TEST_RUN_RECORD.parent.mkdir(parents=True, exist_ok=True)
        TEST_RUN_RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    except OSError:
        pass


def pytest_unconfigure(config):
    if "cache" in _run:
        shutil.rmtree(_run.pop("cache"), ignore_errors=True)
        os.environ.pop("HANDBOOK_CACHE_DIR", None)


def tier_of(item) -> str | None:
    return next((mark.name for mark in item.iter_markers() if mark.name in TIERS), None)


def pytest_collection_modifyitems(config, items):
    untiered = [item.nodeid for item in items if tier_of(item) is None]
    if untiered:
        raise pytest.UsageError(f"{untiered[0]}: no tier - mark it unit, build or browser (see tests/conftest.py)")
    wanted = config.getoption("--tier")
    if wanted:
        deselected = [item for item in items if tier_of(item) != wanted]
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if tier_of(item) == wanted]


@pytest.fixture
def mini(tmp_path) -> Path:
    """A small valid handbook of a registered home: the real home facts (with a fictional URN),
    tags and house style, a three-entry registry with
    two Schedule 1 matters and two guide items, a Statement of Purpose, a children's guide
    and a missing child policy."""
    (tmp_path / "data").mkdir()
    shutil.copy(REPO / "data" / "tags.yml", tmp_path / "data" / "tags.yml")
    shutil.copy(REPO / SCHEMA, tmp_path / SCHEMA)
    write_home(tmp_path, registration=REGISTERED, ofsted_urn="SC000000")
    shutil.copy(REPO / ".vale.ini", tmp_path / ".vale.ini")
    shutil.copytree(REPO / ".vale", tmp_path / ".vale")
    (tmp_path / "data" / "regulations.yml").write_text(yaml.safe_dump(MINI_REGISTRY), encoding="utf-8")
    write_document(tmp_path, "statement-of-purpose/statement-of-purpose.md", statement_of_purpose(), SOP_BODY)
    write_document(tmp_path, "statement-of-purpose/childrens-guide.md", childrens_guide(), GUIDE_BODY)
    write_document(tmp_path, "policies/missing-child.md", front_matter())
    return tmp_path


def check(root: Path, today: dt.date = TODAY):
    from handbook.checks import load_and_check

    return load_and_check(root, today)


def messages(handbook, check_name: str | None = None) -> list[str]:
    return [str(f) for f in handbook.findings if check_name is None or f.check == check_name]


# --- the fixture handbook ---------------------------------------------------------
# End-to-end tests build a frozen handbook kept under tests/fixtures/handbook (a fictional
# registered home with approved documents), with the repository's own code, configuration
# and theme. Editing a real policy therefore never breaks a test about the machinery.

FIXTURE = REPO / "tests" / "fixtures" / "handbook"
# A copy holds .gitignore, as a clone does: the code's compiled files (__pycache__) and what the
# commands write (site/, dist/, .cache/) are no change to the commit the copy is made from.
FROM_REPOSITORY = ["mkdocs.yml", "docs", "overrides", "macros", "handbook", "deploy", ".vale", ".vale.ini", ".gitignore"]
CODE = ("handbook", "macros")
FROM_FIXTURE = ["data", "policies", "statement-of-purpose"]  # and docs/index.md, laid over the repository's docs/
SCHEMA = "data/front-matter.schema.yml"  # the fixture links to the repository's own: one set of rules


def fixture_today() -> dt.date:
    return last_touched(FIXTURE)


def last_touched(root: Path) -> dt.date:
    """The day a handbook was last touched (its newest review, change, approval or notice date).
    Checking it "as of" that day keeps the tests true whatever today's date is."""
    from handbook.model.handbook import load_handbook

    handbook = load_handbook(root, TODAY)
    dates = []
    for document in handbook.documents:
        dates.append(document.last_reviewed)
        dates += [dt.date.fromisoformat(str(c[name])) for c in document.changes
                  for name in ("date", "approved_on", "ofsted_notified_on") if c.get(name)]
    return max(d for d in dates if d)


def copy_source(source: Path, copy: Path) -> None:
    """Copy one file or folder of a handbook. The code keeps its compiled files (compiled once for
    the run by pytest_configure, and still valid in the copy, which keeps each file's time), so a
    command run in a copy does not compile the whole package again."""
    if source.is_dir():
        shutil.copytree(source, copy, ignore=None if source.name in CODE else shutil.ignore_patterns("__pycache__"))
    elif source.exists():
        shutil.copy2(source, copy)


def copy_handbook(copy: Path) -> Path:
    """A throwaway handbook: the repository's code and configuration, the fixture's content (no git)."""
    copy.mkdir(parents=True)
    for source in [REPO / name for name in FROM_REPOSITORY] + [FIXTURE / name for name in FROM_FIXTURE]:
        copy_source(source, copy / source.name)
    shutil.copytree(FIXTURE / "docs", copy / "docs", dirs_exist_ok=True)  # its own home page, for its own policies
    return copy


def copy_real_handbook(copy: Path) -> Path:
    """A throwaway copy of the real handbook: code, configuration and the real content."""
    copy_handbook(copy)
    for name in FROM_FIXTURE + ["docs"]:
        shutil.rmtree(copy / name)
        shutil.copytree(REPO / name, copy / name)
    return copy


def commit_all(repo: Path, day: dt.date, message: str = "The handbook") -> None:
    """Make `repo` a git repository with one commit of everything, dated `day`."""
    when = f"{day.isoformat()}T08:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "Sam Author",
           "GIT_AUTHOR_EMAIL": "sam@example.org", "GIT_COMMITTER_NAME": "Sam Author",
           "GIT_COMMITTER_EMAIL": "sam@example.org"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def handbook_copy(tmp_path) -> Path:
    """A throwaway copy of the fixture handbook, to break on purpose."""
    return copy_handbook(tmp_path / "handbook")


def command_environment(cwd: Path, today: dt.date | None = None, **env) -> dict[str, str]:
    """The environment for a command run in a throwaway handbook: its own copy of the code comes
    first on the path (not the checkout the virtual environment was installed from)."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDBOOK_GIT_DATES": "false", "PYTHONPATH": str(cwd),
            "HANDBOOK_TODAY": (today or fixture_today()).isoformat(), **env}


def run(args: list[str], cwd: Path, today: dt.date | None = None, **env) -> subprocess.CompletedProcess:
    environment = command_environment(cwd, today, **env)
    return subprocess.run(args, cwd=cwd, env=environment, capture_output=True, text=True, timeout=300)


def mkdocs_build(root: Path, *extra: str, **env) -> subprocess.CompletedProcess:
    return run([str(BIN / "mkdocs"), "build", "--strict", *extra], root, **env)


def handbook_command(root: Path, *args: str, **env) -> subprocess.CompletedProcess:
    return run([str(BIN / "handbook"), *args], root, **env)


# --- trees built once for the run ------------------------------------------------------------
# pytest-xdist's workers each set up the session and module fixtures for themselves, so a tree
# that tests on two workers read (the real handbook's site, its draft copy, the export...) would
# be built once on each. `built_once` builds it once in the run's own temporary folder, which
# every worker's folder is in: the first worker to need it builds it, a worker that needs it
# meanwhile waits for it, and then each reads the same tree. Nothing may change a shared tree.

def built_once(tmp_path_factory, name: str, build) -> Path:
    """The folder `name`, filled by `build(folder)` the first time a test of the run needs it."""
    run_folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_folder = run_folder.parent   # basetemp is the run's folder/popen-gwN under pytest-xdist
    shared = run_folder / "built-once"
    shared.mkdir(exist_ok=True)
    folder, complete = shared / name, shared / f"{name}.complete"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # released when the lock file is closed, even if the build fails
        if not complete.exists():
            shutil.rmtree(folder, ignore_errors=True)   # what a build that failed on another worker left
            folder.mkdir()
            build(folder)
            complete.touch()
    return folder


# --- the real handbook, built once for the run ----------------------------------------------

@pytest.fixture(scope="session")
def real_repository(tmp_path_factory) -> Path:
    """A throwaway copy of the real handbook in a git repository of its own, committed on the
    day the handbook was last touched. Shared by the browser tests (its staff site) and the
    export tests (its draft inspector copy): nothing may change it."""
    def make(folder: Path) -> None:
        commit_all(copy_real_handbook(folder / "handbook"), last_touched(REPO))

    return built_once(tmp_path_factory, "real-handbook", make) / "handbook"


@pytest.fixture(scope="session")
def real_draft_copy(real_repository, tmp_path_factory) -> tuple[Path, Path]:
    """The real handbook's draft inspector copy (the home is applying), made once: (zip, PDF).
    Made into a folder outside the repository, whose own dist/ stays empty."""
    def make(dist: Path) -> None:
        made = handbook_command(real_repository, "export", "--draft", "--dist", str(dist), today=last_touched(REPO),
                                HANDBOOK_GIT_DATES="true")
        assert made.returncode == 0, made.stdout + made.stderr

    dist = built_once(tmp_path_factory, "real-draft-copy", make)
    (bundle,) = dist.glob("*.zip")
    (pdf,) = dist.glob("*-handbook-*.pdf")
    return bundle, pdf

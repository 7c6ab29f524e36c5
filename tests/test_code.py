"""The code's own standards, run by `make test`: the layer contract (and that it can fail),
ruff, mypy, the mkdocs-macros module importing no MkDocs, and the site building unchanged
with ProperDocs, the maintained fork of MkDocs 1.x."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest
from conftest import BIN, REPO, copy_handbook, run, whole_suite

from bench.handbooks import FIXED_TODAY, make_handbook, newest_real_date
from bench.measure import taking_turns

pytestmark = pytest.mark.build


def tool(name: str, *args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / name), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_layer_contract_is_kept():
    result = tool("lint-imports")
    assert result.returncode == 0, result.stdout
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_the_layer_contract_fails_when_a_lower_layer_imports_a_higher_one(tmp_path):
    for name in ("handbook", "macros"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    model = tmp_path / "handbook" / "model" / "documents.py"
    model.write_text(model.read_text() + "\nfrom handbook.views import site_pages  # noqa\n")
    result = subprocess.run([str(BIN / "lint-imports")], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                            env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert "handbook.model.documents -> handbook.views.site_pages" in result.stdout


def test_ruff_finds_nothing():
    result = tool("ruff", "check", "handbook", "macros", "tests", "bench")
    assert result.returncode == 0, result.stdout


def test_mypy_finds_nothing():
    result = tool("mypy")
    assert result.returncode == 0, result.stdout


def test_the_macros_module_does_not_import_mkdocs():
    """Zensical's macros extension imports this module too; it must not need MkDocs."""
    probe = "import sys, macros; print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_checking_a_valid_handbook_imports_neither_jsonschema_nor_cryptography():
    """`handbook check` is the command people run most: jsonschema (to explain data that is not
    valid) and cryptography (to sign a copy) take a third of its time to import, so a check of a
    valid handbook leaves them alone (handbook/sources/schemas.py, handbook/export/__init__.py)."""
    probe = ("import sys\nfrom handbook.cli import main\ntry:\n    main(['check'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('jsonschema', 'cryptography') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_properdocs_builds_the_site_unchanged(tmp_path):
    root = copy_handbook(tmp_path / "handbook")
    result = run([str(BIN / "properdocs"), "build", "--strict"], root)
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "policies" / "missing-child.html").read_text()
    assert "Missing child policy" in page and "Document control" in page


@pytest.mark.unit
def test_code_owners_review_the_approvals_and_the_code_that_builds_the_site():
    """The README: a change to a governed document (where approvals are written) or to the
    home's facts merges only with the approvers' review; code that runs in the build with the
    maintainers'."""
    from handbook.model.documents import GOVERNED_FOLDERS

    owners = dict(line.split()[:2] for line in (REPO / ".github" / "CODEOWNERS").read_text().splitlines()
                  if line.strip() and not line.startswith("#"))
    approvers = {f"/{folder}/" for folder in GOVERNED_FOLDERS} | {"/homes/", "/data/home.yml", "/data/provider.yml",
                                                                  "/docs/"}
    assert {path: owners.get(path) for path in approvers} == dict.fromkeys(approvers, "@cura-care-homes/responsible-individual")
    code = {"/handbook/", "/macros/", "/mkdocs.yml", "/overrides/", "/Makefile", "/requirements.txt", "/.github/",
            "/docs/assets/"}
    assert {path: owners.get(path) for path in code} == dict.fromkeys(code, "@cura-care-homes/handbook-maintainers")


@pytest.mark.unit
def test_the_targets_the_readme_names_install_the_debian_packages_they_need():
    rules = {line.split(":", 1)[0]: line.split(":", 1)[1].split() for line in (REPO / "Makefile").read_text().splitlines()
             if line and not line[0].isspace() and ":" in line and "=" not in line}
    for target in ("test", "test-fast", "export", "lint", "publish", "bench"):
        assert "system-packages" in rules[target], target


def test_the_benchmarks_largest_synthetic_handbook_passes_every_check(tmp_path):
    """`make bench` times a handbook that builds: a synthetic document that a check refuses (two
    headings alike, a date after today) would stop every build it measures. make_handbook refuses
    to go on then, naming the first error; this test keeps the largest size clear of that."""
    made = make_handbook(tmp_path, 2000, max(FIXED_TODAY, newest_real_date(REPO)))  # the date `make bench` takes
    assert made["governed_documents"] == 2002 and made["synthetic"] == 1981


def test_the_benchmark_stops_at_once_on_a_synthetic_handbook_that_does_not_pass(tmp_path):
    with pytest.raises(SystemExit) as stopped:
        make_handbook(tmp_path, 30, dt.date(2026, 1, 1))  # the real documents' dates are after that day
    assert str(stopped.value).startswith("bench: the synthetic handbook of 30 documents does not pass the checks (")
    assert "is after today (1 January 2026)" in str(stopped.value)


def test_the_builds_are_timed_at_their_best_after_a_first_turn_reported_on_its_own(tmp_path):
    """The handbook's first build fills its caches; the plain build keeps nothing. Both are
    timed at their best over the same number of runs after a first turn, which is reported
    apart: the plain build once had one run more to be timed at its best than the handbook."""
    pause = tmp_path / "pause"
    paused = [str(sys.executable), "-c", "import sys, time; time.sleep(float(open(sys.argv[1]).read()))", str(pause)]
    pauses = iter(["0.6", "0", "0", "0", "0", "0"])  # only the first turn's first command is slow
    before = lambda: pause.write_text(next(pauses))  # noqa: E731
    first, second = taking_turns([(paused, tmp_path / "a.log", before), (paused, tmp_path / "b.log", before)],
                                 tmp_path, {}, repeats=2)
    assert len(first["runs_s"]) == len(second["runs_s"]) == 2
    assert first["first_s"] >= 0.6 > max(first["runs_s"]) and round(first["wall_s"], 3) == min(first["runs_s"])
    assert second["first_s"] < 0.6 and round(second["wall_s"], 3) == min(second["runs_s"])
    assert next(pauses, None) is None  # each command ran three times, taking turns


@pytest.mark.unit
@pytest.mark.parametrize("source, options, deselected, whole", [
    ("testpaths", {}, [], True),
    ("testpaths", {"--tier": "unit"}, [], False),   # with pytest-xdist, nothing is counted as deselected
    ("testpaths", {"keyword": "kept"}, [], False),
    ("testpaths", {"markexpr": "unit"}, [], False),
    ("testpaths", {}, ["a test"], False),
    ("args", {}, [], False),
], ids=["make test", "a tier", "-k", "-m", "deselected", "named tests"])
def test_only_a_run_of_the_whole_suite_is_recorded_for_the_benchmark(source, options, deselected, whole):
    """`make bench` reports the last record as `make test`'s time: a unit-tier run of 20 s once
    stood in for it."""
    config = SimpleNamespace(args_source={"testpaths": pytest.Config.ArgsSource.TESTPATHS,
                                          "args": pytest.Config.ArgsSource.ARGS}[source],
                             getoption=lambda name: options.get(name))
    reporter = SimpleNamespace(stats={"deselected": deselected} if deselected else {})
    assert whole_suite(config, reporter) is whole

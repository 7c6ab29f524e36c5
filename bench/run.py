"""`make bench`: how the handbook's checks and site build scale with the number of documents.

For each size N it makes a synthetic handbook in a temporary folder (the repository's code,
configuration, data, docs/ pages, the real Statement of Purpose, children's guide and
policies, and synthetic policies up to N documents in policies/), then measures:

- `handbook check`: wall time of the command, and the in-process time of `load_and_check`;
- `mkdocs build --strict` of the handbook (hooks, macros and checks), and `mkdocs build` of the
  same Markdown files by plain Material (same theme, Markdown extensions and navigation; no
  macros plugin, no hooks, no git plugin), and their ratio;
- the total size of each site and of one policy page, and how many navigation links it holds;
- the peak memory (maximum resident set size) of each child process;
- at 500 documents, the author's edit loop: `mkdocs serve --dirty` (as `make serve`), one
  document saved three times, each timed until the served page holds the change;
- and, from the record the test suite leaves in .cache/handbook/test-run.json (tests/conftest.py),
  how long the last whole `make test` run took (the bench does not run the suite itself).

Each command runs --repeats times and the best is kept: the first check fills the cache of the
content policy's findings, the first handbook build the reading grade cache (.cache/handbook/ in
the temporary handbook), and later runs reuse them, as a developer's second check or build does.
The check's first run (nothing kept) is reported beside its best. The handbook build and the plain build take turns (handbook,
plain, handbook, plain...), so that a shared machine's slow minutes fall on both alike. The
builds take one turn more than --repeats: the first turn (the handbook's caches empty) is
reported on its own, and the best of the turns after it is kept, so both builds have as many
runs to be timed at their best; the ratio of each turn is reported beside the ratio of the best runs.

It prints a Markdown table and the four targets of issue 16 (check, build ratio, edit loop,
`make test`), each met or missed, and writes the figures as JSON. Targets are reported, never asserted.

    python -m bench.run [--sizes 100 500 2000] [--json bench/results.json] [--repeats 2]
                        [--profile bench/profiles] [--keep] [--edit-loop-size 500] [--report-only]

Run it with the handbook's virtual environment (`.venv/bin/python -m bench.run`): the tools
(mkdocs, the `handbook` command) are found beside `sys.executable`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import signal
import string
import sys
import tempfile
import time
from pathlib import Path

from bench import BENCH, REPO
from bench.handbooks import FIXED_TODAY, PLAIN_CONFIG, make_handbook, newest_real_date
from bench.measure import edit_loop, environment, in_process, last_test_run, profile, repeated, site_stats, taking_turns, tool
from bench.provider import bench_provider, provider_target
from bench.report import _rounded, table, targets, versions
from handbook.checks.kept import RECENT_NS


def save_one_document(root: Path) -> None:
    """What an author does between two checks: one document saved with a new sentence (of letters
    only: digits could read as a phone number)."""
    first = sorted((root / "policies").glob("*.md"))[0]
    word = "".join(random.choice(string.ascii_lowercase) for _ in range(12))
    with first.open("a", encoding="utf-8") as document:
        document.write(f"\nWe saved this again with the word {word}.\n")


def bench_size(size: int, today: dt.date, repeats: int, keep: bool, profile_dir: Path | None,
               edit_loop_here: bool = False) -> dict:
    # The benchmark's own files (logs, the plain site) go beside the handbook, never in it: the
    # handbook keeps its checked answer for as long as its files stay as they are.
    work = Path(tempfile.mkdtemp(prefix=f"handbook-bench-{size}-"))
    root = work / "handbook"
    root.mkdir()
    env = environment(today)
    try:
        started = time.perf_counter()
        made = make_handbook(root, size, today)
        generated = time.perf_counter() - started
        print(f"[{size}] made {made['governed_documents']} governed documents in {root} ({generated:.1f} s)",
              file=sys.stderr, flush=True)
        time.sleep(RECENT_NS / 1e9)  # the handbook at rest: nothing is kept for files saved just before a run

        check = repeated(tool("handbook") + ["check"], root, env, work / "check.log", repeats)
        summary = (work / "check.log").read_text(encoding="utf-8").strip().splitlines()[-1]
        inside = in_process(root, env, today)
        print(f"[{size}] handbook check {check['wall_s']:.2f} s ({summary})", file=sys.stderr, flush=True)
        saved = repeated(tool("handbook") + ["check"], root, env, work / "check-saved.log", repeats,
                         before=lambda: save_one_document(root))
        print(f"[{size}] handbook check after one document is saved {saved['wall_s']:.2f} s", file=sys.stderr, flush=True)

        site, plain_site = root / "site", work / "site-plain"
        build, plain = taking_turns([
            (tool("mkdocs") + ["build", "--strict", "--site-dir", str(site)], work / "build.log",
             lambda: shutil.rmtree(site, ignore_errors=True)),
            (tool("mkdocs") + ["build", "-f", PLAIN_CONFIG, "--site-dir", str(plain_site)], work / "plain.log",
             lambda: shutil.rmtree(plain_site, ignore_errors=True))], root, env, repeats)
        turns = [round(b / p, 3) for b, p in zip(build["runs_s"], plain["runs_s"])]
        print(f"[{size}] handbook build {build['wall_s']:.2f} s, plain Material build {plain['wall_s']:.2f} s "
              f"(first turn {build['first_s']} and {plain['first_s']}; then runs {build['runs_s']} and "
              f"{plain['runs_s']}; ratio of each turn {turns})", file=sys.stderr, flush=True)

        result = {
            "size": size, **made, "generate_s": round(generated, 2),
            "check": {**_rounded(check), "summary": summary, "in_process": _rounded(inside),
                      "after_saving_one_document": _rounded(saved)},
            "build": _rounded(build), "plain_build": _rounded(plain),
            "build_ratio": round(build["wall_s"] / plain["wall_s"], 3), "build_ratio_each_turn": turns,
            "build_ratio_first_turn": round(build["first_s"] / plain["first_s"], 3),
            "site": site_stats(site, made["sample_page"]),
            "plain_site": site_stats(plain_site, made["sample_page"]),
            "peak_rss_mib": round(max(check["max_rss_mib"], build["max_rss_mib"], plain["max_rss_mib"]), 1),
        }
        if edit_loop_here and made["sample_page"]:
            print(f"[{size}] edit loop (mkdocs serve --dirty, one document saved) ...", file=sys.stderr, flush=True)
            result["edit_loop"] = edit_loop(root, env, made["sample_page"])
            print(f"[{size}] edit loop {result['edit_loop']['edits_s']} s", file=sys.stderr, flush=True)
        if profile_dir is not None:
            print(f"[{size}] profiling (cProfile) ...", file=sys.stderr, flush=True)
            save_one_document(root)  # so the profiles show the whole check and build, not what was kept
            result["profile"] = profile(root, env, size, profile_dir)
        return result
    finally:
        if keep:
            print(f"[{size}] kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # so the temporary handbooks are removed
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000],
                        help="numbers of documents in policies/ (default: 100 500 2000)")
    parser.add_argument("--json", type=Path, default=BENCH / "results.json", help="where to write the figures")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command; the best is kept (default 3)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help=f"HANDBOOK_TODAY (default: {FIXED_TODAY}, or the newest date in the real documents)")
    parser.add_argument("--profile", type=Path, default=None, metavar="DIR",
                        help="also profile (cProfile) check and both builds at the largest size; .prof files go in DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary handbooks")
    parser.add_argument("--no-provider", action="store_true",
                        help="leave out the provider case (20 homes of 40 documents; see bench/provider.py)")
    parser.add_argument("--edit-loop-size", type=int, default=500, metavar="N",
                        help="time the edit loop (mkdocs serve --dirty) at this size, if it is one of --sizes "
                             "(default 500)")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: print the figures in --json again, with the last `make test` run")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.report_only:
        report = json.loads(args.json.read_text(encoding="utf-8"))
        report["test_run"] = last_test_run(REPO)
        report["targets"] = targets(report["results"], report["test_run"]) + (
            [provider_target(report["provider"])] if report.get("provider") else [])
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print_report(report, args.json)
        return 0

    today = args.today or max(FIXED_TODAY, newest_real_date(REPO))
    sizes = sorted(set(args.sizes))
    results = []
    for size in sizes:
        results.append(bench_size(size, today, args.repeats, args.keep,
                                  args.profile.resolve() if args.profile and size == sizes[-1] else None,
                                  edit_loop_here=size == args.edit_loop_size))

    provider = None if args.no_provider else bench_provider(today, args.repeats, args.keep)
    report = {"generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "today": today.isoformat(), "repeats": args.repeats, "machine": {"cpus": os.cpu_count(),
                                                                                "platform": platform.platform()},
              "versions": versions(), "test_run": last_test_run(REPO), "results": results, "provider": provider}
    report["targets"] = targets(results, report["test_run"]) + ([provider_target(provider)] if provider else [])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_report(report, args.json)
    return 0


def print_report(report: dict, written_to: Path) -> None:
    results = report["results"]
    print(table(results, report["repeats"]))
    print()
    print("| Target | Measured | Met |\n|---|---|---|")
    for row in report["targets"]:
        met = "not measured" if row["met"] is None else "yes" if row["met"] else "**no**"
        print(f"| {row['target']} | {row['value']} | {met} |")
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
        print(f"\nCode measured at {r['size']}: handbook/, macros/ and mkdocs.yml sha256 {code['sha256']}, "
              f"copied {code['copied_at']} (newest file {code['newest_file']}, modified {code['newest_modified']})")
    print(f"\nFigures written to {written_to}")



if __name__ == "__main__":
    sys.exit(main())

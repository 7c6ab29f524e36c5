#!/usr/bin/env python3
"""Does a policy page grow with the number of documents, and which navigation setting stops it?

Builds the plain Material site of one synthetic handbook (see run.py) with several navigation
variants and prints, for each, the build time, the site size, and the size and navigation
links of one policy page. Material and MkDocs only: the handbook's own code is not involved.

    python bench/nav_variants.py [--size 500] [--json bench/nav-variants.json] [--keep]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402

POLICIES_SECTION = "Policies and procedures"


def _policies(nav: list) -> list[dict]:
    return next(item[POLICIES_SECTION] for item in nav if isinstance(item, dict) and POLICIES_SECTION in item)


def _replace_policies(nav: list, new) -> list:
    out = []
    for item in nav:
        if isinstance(item, dict) and POLICIES_SECTION in item:
            if new is not None:
                out.append({POLICIES_SECTION: new})
        else:
            out.append(item)
    return out


def by_letter(entries: list[dict]) -> list[dict]:
    groups: dict[str, list] = {}
    for entry in entries:
        title = next(iter(entry))
        groups.setdefault(title[0].upper(), []).append(entry)
    return [{letter: items} for letter, items in groups.items()]


def by_block(entries: list[dict], size: int = 50) -> list[dict]:
    """Groups of at most `size` documents, then groups of groups: every list stays short."""
    level = entries
    while len(level) > size:
        chunks = [level[i:i + size] for i in range(0, len(level), size)]
        level = [{f"{_first(c)} to {_last(c)}": c} for c in chunks]
    return level


def _first(items: list[dict]) -> str:
    title, value = next(iter(items[0].items()))
    return _first(value) if isinstance(value, list) else title.split(" ")[0]


def _last(items: list[dict]) -> str:
    title, value = next(iter(items[-1].items()))
    return _last(value) if isinstance(value, list) else title.split(" ")[0]


def variants(config: dict) -> dict[str, dict]:
    features = list(config["theme"]["features"])
    nav = config["nav"]
    policies = _policies(nav)
    no_sections = [f for f in features if f != "navigation.sections"]
    return {
        "as configured (navigation.sections)": {},
        "+ navigation.prune": {"theme": {"features": features + ["navigation.prune"]}},
        "navigation.prune, no navigation.sections": {"theme": {"features": no_sections + ["navigation.prune"]}},
        "+ navigation.prune, policies grouped A-Z": {"theme": {"features": features + ["navigation.prune"]},
                                                    "nav": _replace_policies(nav, by_letter(policies))},
        "+ navigation.prune, policies in nested groups of 50": {
            "theme": {"features": features + ["navigation.prune"]},
            "nav": _replace_policies(nav, by_block(policies))},
        "policies left out of the nav (reached from index, topics, search)": {
            "nav": _replace_policies(nav, None), "validation": {"nav": {"omitted_files": "info"}}},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)

    today = max(run.FIXED_TODAY, run.newest_real_date(run.REPO))
    root = Path(tempfile.mkdtemp(prefix=f"handbook-nav-{args.size}-"))
    env = run.environment(today)
    results = []
    try:
        made = run.make_handbook(root, args.size, today)
        plain = yaml.safe_load((root / run.PLAIN_CONFIG).read_text(encoding="utf-8"))
        base = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=run._ConfigLoader)
        config = {"theme": base["theme"], "nav": plain["nav"]}
        for n, (name, overrides) in enumerate(variants(config).items()):
            path = root / f"mkdocs.variant-{n}.yml"
            path.write_text(yaml.safe_dump({"INHERIT": run.PLAIN_CONFIG, **overrides}, sort_keys=False,
                                           allow_unicode=True), encoding="utf-8")
            site = root / f"site-variant-{n}"
            timing = run.measure(run.tool("mkdocs") + ["build", "-f", path.name, "--site-dir", str(site)], root, env,
                                 root / f"variant-{n}.log")
            if timing["returncode"] != 0:
                raise SystemExit(f"variant {name!r} failed; see {root / f'variant-{n}.log'}")
            stats = run.site_stats(site, made["sample_page"])
            results.append({"variant": name, "build_s": round(timing["wall_s"], 2), "site_bytes": stats["bytes"],
                            "page": stats.get("page")})
            print(f"[{args.size}] {name}: {timing['wall_s']:.1f} s", file=sys.stderr, flush=True)
            shutil.rmtree(site)
    finally:
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)

    print(f"Plain Material, {made['governed_documents']} documents; page {made['sample_page']}\n")
    print("| Navigation | build (s) | site (MiB) | page (KiB) | nav links in page | nav part of page (KiB) |")
    print("|---|---|---|---|---|---|")
    for r in results:
        page = r["page"] or {}
        print(f"| {r['variant']} | {r['build_s']:.1f} | {r['site_bytes'] / run.MIB:.1f} | "
              f"{page.get('bytes', 0) / 1024:.0f} | {page.get('nav_links', '-')} | {page.get('nav_bytes', 0) / 1024:.0f} |")
    if args.json:
        args.json.write_text(json.dumps({"size": args.size, "results": results}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

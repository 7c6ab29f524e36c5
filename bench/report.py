"""Reporting: the figures against their targets (met or missed, never asserted), as a Markdown
table and as JSON."""

from __future__ import annotations

import platform
from importlib import metadata

from bench.measure import MIB

TARGETS = {
    "check_seconds": 1.0,          # handbook check on 2,000 documents
    "build_ratio": 1.10,           # handbook build / plain Material build
    "page_growth": 1.10,           # policy page size at the largest N / at the smallest N
    "peak_rss_mib": 1024,          # any process, at 2,000 documents
}


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


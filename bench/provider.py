"""The provider case of `make bench`: a synthetic provider of 20 homes, each with 40 documents,
10 of them its own (its Statement of Purpose and children's guide, 4 policies replacing the
provider's and 4 home-only documents), the other 30 the provider's policies (the real ones and
synthetic ones). It measures `handbook check` for the whole provider (every home's edition
loaded and checked; target under 2 s) and `mkdocs build --strict` of one home's site."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from bench import REPO, synthetic
from bench.handbooks import code_fingerprint, copy_from_repository
from bench.measure import environment, repeated, tool
from bench.report import _rounded

HOMES, PER_HOME, OWN = 20, 40, 10
CHECK_TARGET_S = 2.0
COPIED = ["mkdocs.yml", "macros", "handbook", "docs", "overrides", ".vale", ".vale.ini", "policies"]
PROVIDER_FACTS = ("legal_form", "company_number", "registered_provider", "responsible_individual", "roles", "contacts")


def make_provider(root: Path, today: dt.date, homes: int = HOMES, per_home: int = PER_HOME, own: int = OWN) -> dict:
    copy_from_repository(root, COPIED)
    (root / "data").mkdir()
    for name in ("regulations.yml", "tags.yml", "front-matter.schema.yml"):
        shutil.copy2(REPO / "data" / name, root / "data" / name)
    facts = yaml.safe_load((REPO / "data/home.yml").read_text(encoding="utf-8"))
    provider = {key: facts[key] for key in PROVIDER_FACTS}
    (root / "data/provider.yml").write_text(yaml.safe_dump(provider, sort_keys=False), encoding="utf-8")
    registry = yaml.safe_load((root / "data/regulations.yml").read_text(encoding="utf-8"))
    refs = [str(r["ref"]) for inst in registry["instruments"].values() if inst.get("default")
            for r in inst["regulations"] if not r.get("kind") and r.get("document") != "none"]
    tags = [t for t in yaml.safe_load((root / "data/tags.yml").read_text(encoding="utf-8")) if t != "Statement of Purpose"]
    roles = provider["roles"]
    real = sorted((root / "policies").glob("*.md"))
    shared = per_home - own
    earlier = [synthetic.Target(p.name, p.stem) for p in real[:3]]
    for i in range(shared - len(real)):
        name, _, text = synthetic.document(i, today, refs, roles, tags, earlier)
        (root / "policies" / name).write_text(text, encoding="utf-8")
    replacing = (own - 2) // 2
    for h in range(1, homes + 1):
        home_id = f"home-{h:02d}"
        folder = root / "homes" / home_id
        (folder / "policies").mkdir(parents=True)
        mine = {key: value for key, value in facts.items() if key not in PROVIDER_FACTS}
        mine["name"] = f"Synthetic home {h:02d}"
        (folder / "home.yml").write_text(yaml.safe_dump(mine, sort_keys=False), encoding="utf-8")
        shutil.copytree(REPO / "statement-of-purpose", folder / "statement-of-purpose")
        for k in range(own - 2):
            # The first few replace a provider policy (the same file name); the rest are the home's alone.
            i = k if k < replacing else 1000 + h * own + k
            name, _, text = synthetic.document(i, today, refs, roles, tags, earlier)
            (folder / "policies" / name).write_text(text, encoding="utf-8")
    return {"homes": homes, "documents_per_home": per_home, "home_specific_per_home": own,
            "provider_policies": shared, "code": code_fingerprint(root)}


def bench_provider(today: dt.date, repeats: int, keep: bool) -> dict:
    root = Path(tempfile.mkdtemp(prefix="handbook-bench-provider-"))
    env = environment(today)
    try:
        made = make_provider(root, today)
        print(f"[provider] made {made['homes']} homes of {made['documents_per_home']} documents in {root}",
              file=sys.stderr, flush=True)
        check = repeated(tool("handbook") + ["check"], root, env, root / "check.log", repeats)
        summary = (root / "check.log").read_text(encoding="utf-8").strip().splitlines()[-1]
        print(f"[provider] handbook check {check['wall_s']:.2f} s ({summary})", file=sys.stderr, flush=True)
        site = root / "site"
        build = repeated(tool("mkdocs") + ["build", "--strict", "--site-dir", str(site)], root,
                         {**env, "HANDBOOK_HOME": "home-01"}, root / "build.log", repeats,
                         before=lambda: shutil.rmtree(site, ignore_errors=True))
        print(f"[provider] one home's build {build['wall_s']:.2f} s", file=sys.stderr, flush=True)
        return {**made, "check": {**_rounded(check), "summary": summary}, "home_build": _rounded(build)}
    finally:
        if keep:
            print(f"[provider] kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def provider_target(result: dict) -> dict:
    return {"target": f"handbook check of a provider ({result['homes']} homes x {result['documents_per_home']} "
                      f"documents) under {CHECK_TARGET_S:.0f} s",
            "value": f"{result['check']['wall_s']:.2f} s; one home's build {result['home_build']['wall_s']:.2f} s",
            "met": result["check"]["wall_s"] < CHECK_TARGET_S}

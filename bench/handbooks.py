"""Making a synthetic handbook of N documents: the repository's code, configuration, data and
real documents, synthetic policies up to N, and the plain Material configuration that builds
the same files without the handbook's plugins and hooks."""

from __future__ import annotations

import compileall
import datetime as dt
import hashlib
import html
import os
import re
import shutil
from pathlib import Path

import yaml

from bench import REPO, synthetic
from handbook.checks import load_and_check
from handbook.mkdocs_hooks import expand_nav
from handbook.model.documents import FRONT_MATTER, read_document


def front_matter(path: Path) -> dict:
    """A document's front matter, read the handbook's own way."""
    document, _ = read_document(path.parent, path)
    return document.meta


# What a synthetic handbook copies from the repository (as tests/conftest.py's handbook_copy does).
COPIED = ["mkdocs.yml", "macros", "handbook", "data", "docs", "overrides", ".vale", ".vale.ini", "statement-of-purpose",
          "policies"]


GOVERNED = ("statement-of-purpose", "policies")


CODE = ("handbook", "macros")


FIXED_TODAY = dt.date(2026, 12, 1)   # "today" for every run; synthetic dates are relative to it


PLAIN_CONFIG = "mkdocs.plain.yml"


PLAIN_DOCS = "plain-docs"


OUR_PLUGINS = {"macros", "git-revision-date-localized"}   # switched off for the plain Material build


SAMPLE = 10   # the synthetic document whose page is measured (its text is the same at every size)


# Front-matter fields the handbook's hook removes from page.meta before Material sees them
# (handbook/mkdocs_hooks.py, on_page_markdown). Left in, Material draws a page-status icon beside
# every link in every page's navigation, and the plain site would do more work than the handbook's.
MATERIAL_FIELDS = ("status", "tags")


def without_material_fields(text: str) -> str:
    text = text.replace("\r\n", "\n")
    match = FRONT_MATTER.match(text)
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
            dates.append(meta.get("last_reviewed"))
            dates += [c.get(name) for c in meta.get("changes") or [] if isinstance(c, dict)
                      for name in ("date", "approved_on", "ofsted_notified_on")]
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


def _plugin_name(entry) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def code_fingerprint(root: Path) -> dict:
    """Which code was measured: the copied code and mkdocs.yml change while people work."""
    digest = hashlib.sha256()
    files = sorted(p for p in [root / "mkdocs.yml", *(root / "macros").rglob("*.py"), *(root / "handbook").rglob("*.py")]
                   if p.is_file())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    newest = max(files, key=lambda p: p.stat().st_mtime)
    return {"sha256": digest.hexdigest()[:16], "copied_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "newest_file": newest.relative_to(root).as_posix(),
            "newest_modified": dt.datetime.fromtimestamp(newest.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")}


def _plain_titles(items):
    """The hook's navigation with its titles as plain strings: it gives titles as escaped
    Markup, which YAML cannot write (the theme escapes a plain title itself)."""
    if isinstance(items, list):
        return [_plain_titles(item) for item in items]
    if isinstance(items, dict):
        return {html.unescape(str(title)): _plain_titles(value) for title, value in items.items()}
    return items


def copy_from_repository(root: Path, names: list[str]) -> None:
    """Copy the repository's files and folders `names` into `root`. The copied code is compiled
    once, as on an author's machine after the first command (the benchmark's commands run with
    PYTHONDONTWRITEBYTECODE, which would otherwise compile the whole package in every run)."""
    for name in names:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
            if name in CODE:
                compileall.compile_dir(root / name, quiet=1)
        elif source.exists():
            shutil.copy2(source, root / name)


def make_handbook(root: Path, size: int, today: dt.date) -> dict:
    """Copy the repository into `root` and fill policies/ up to `size` documents. Also writes
    the plain Material configuration and its docs folder. Returns what was made."""
    copy_from_repository(root, COPIED)
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
    checked = load_and_check(root, today)
    if checked.errors:  # measuring a build that stops at its checks would time nothing
        first = checked.errors[0]
        raise SystemExit(f"bench: the synthetic handbook of {size} documents does not pass the checks "
                         f"({len(checked.errors)} errors), the first: {first}")
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    plain = {
        "INHERIT": "mkdocs.yml",
        "docs_dir": PLAIN_DOCS,
        "plugins": [p for p in config.get("plugins", []) if _plugin_name(p) not in OUR_PLUGINS],
        "hooks": [],
        "watch": [],
        # The same navigation the handbook's hook makes (documents by topic), expanded here once.
        "nav": _plain_titles(expand_nav(config.get("nav"), checked)),
    }
    (root / PLAIN_CONFIG).write_text(yaml.safe_dump(plain, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return {"code": code_fingerprint(root),
            "policies": len(real) + synthetic_count, "real_policies": len(real), "synthetic": synthetic_count,
            "governed_documents": len(titles), "synthetic_words_mean": round(words / synthetic_count) if synthetic_count else 0,
            "sample_page": f"policies/{synthetic.file_of(SAMPLE)[:-3]}.html" if synthetic_count > SAMPLE else None}



_ConfigLoader.add_constructor("!ENV", _env_tag)

"""The handbook's cache: figures that are slow to work out and depend only on inputs we can
name, kept between builds in `.cache/handbook/` at the top of the repository (outside site/,
ignored by git). HANDBOOK_CACHE_DIR names another folder (the tests share one).

A cache file holds a fingerprint of everything its figures depend on besides the keys
themselves (rule files, library versions, the handbook's code); a file with another fingerprint
is ignored and rewritten, never trusted. Nor is a cache folder that the repository holds: a
change could commit one with made-up entries (a passing check for a page that fails it), so a
committed cache is never read. A cache that cannot be read or written is only a slower build."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from handbook.sources.git import tracked

CACHE_VAR = "HANDBOOK_CACHE_DIR"
CACHE_DIR = ".cache/handbook"


def cache_dir(root: Path) -> Path:
    given = os.environ.get(CACHE_VAR, "").strip()
    return Path(given) if given else Path(root) / CACHE_DIR


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def files_hash(paths: list[Path]) -> str:
    """One hash of several files' names and contents (a missing file counts as empty)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode("utf-8") + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            pass
        digest.update(b"\0")
    return digest.hexdigest()


@functools.cache
def code_fingerprint(*versions: str) -> str:
    """The fingerprint of the handbook's own code as this process runs it (see package_fingerprint)."""
    return package_fingerprint(Path(__file__).resolve().parent.parent, versions)


def package_fingerprint(package: Path, versions: tuple[str, ...]) -> str:
    """One hash of a package's code (every module, by name and content), Python's version and the
    `versions` of the libraries it uses ("markdown 3.7"): figures worked out by the handbook's
    rules depend on all of them."""
    digest = hashlib.sha256(sys.version.encode("utf-8"))
    for version in versions:
        digest.update(f"\0{version}".encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(b"\0" + path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


def read_cache(root: Path, name: str, fingerprint: str) -> dict:
    """The entries of cache file `name`, or {} when it is missing, unreadable, was made with
    another fingerprint, or is in a folder the repository holds (committed, not made here)."""
    path = cache_dir(root) / name
    # The folder the file really is in: a committed symbolic link (.cache -> a committed folder)
    # would otherwise hide from git that its entries came with the change.
    if not path.is_file() or tracked(Path(root), path.resolve().parent):
        return {}
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("fingerprint") != fingerprint:
        return {}
    entries = stored.get("entries")
    return entries if isinstance(entries, dict) else {}


def write_cache(root: Path, name: str, fingerprint: str, entries: dict) -> None:
    """Replace cache file `name` in one step (a reader never sees half a file)."""
    folder = cache_dir(root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    except OSError:
        return
    try:
        os.chmod(temporary, 0o644)  # like any file the build writes (mkstemp makes it private)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"fingerprint": fingerprint, "entries": entries}, out, sort_keys=True)
        os.replace(temporary, folder / name)
    except OSError:
        Path(temporary).unlink(missing_ok=True)

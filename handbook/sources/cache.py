"""The handbook's cache: figures that are slow to work out and depend only on inputs we can
name, kept between builds in `.cache/handbook/` at the top of the repository (outside site/,
ignored by git). HANDBOOK_CACHE_DIR names another folder (the tests share one).

A cache file holds a fingerprint of everything its figures depend on besides the keys
themselves (rule files, library versions); a file with another fingerprint is ignored and
rewritten, never trusted. A cache that cannot be read or written is only a slower build."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

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


def read_cache(root: Path, name: str, fingerprint: str) -> dict:
    """The entries of cache file `name`, or {} when it is missing, unreadable or was made with
    another fingerprint."""
    try:
        stored = json.loads((cache_dir(root) / name).read_text(encoding="utf-8"))
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

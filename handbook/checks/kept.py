"""The handbook as it was last loaded and checked, kept between runs of `handbook check` and of the
build (in the handbook's cache, handbook/sources/cache.py), so that a run on a handbook nothing has
changed in since the last one reads its answer instead of reading every document again.

What is kept is used only when everything it could depend on is the same: every file in the
repository by its content (all but what the tools make: the site, the export, caches, git and the
Python environment; handbook/sources/cache.py, MADE_FOLDERS), the handbook's code by its content,
the libraries installed and their versions, Python's version, every HANDBOOK_ setting, and the day.
A repository holding a symbolic link or a very large file is not hashed: it is always loaded again.
The inputs are hashed again after loading, and the answer is kept only if nothing changed while it
was being worked out.

The kept handbook is a pickle, signed with this machine's secret like every cache file; one that is
not signed here is never read. Even so, it is read by an unpickler that makes only the handbook's
own data classes, dates and paths, and nothing else."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import io
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from handbook.checks import load_and_check
from handbook.model.findings import Finding, WithFindings
from handbook.model.handbook import Handbook
from handbook.sources.cache import (
    CACHE_VAR,
    cache_dir,
    installed_distributions,
    read_signed,
    tree_fingerprint,
    write_signed,
)

PACKAGE = Path(__file__).resolve().parent.parent  # the handbook's code, as this process runs it
MAX_KEPT_BYTES = 512 * 1024 * 1024  # a handbook of 2,000 documents keeps 35 MB
SETTINGS_PREFIX = "HANDBOOK_"
DATA_MODULES = ("handbook.model.", "handbook.sources.files", "handbook.checks.kept")
T = TypeVar("T")
PLAIN_TYPES = {("datetime", "date"), ("pathlib", "PosixPath"), ("pathlib", "WindowsPath")}


@dataclass
class Checked(WithFindings):
    """What `handbook check` reports of a handbook: the day it was checked on, how many documents
    it has, and the findings."""
    today: dt.date
    documents: int
    findings: list[Finding]

    @classmethod
    def of(cls, handbook: Handbook) -> Checked:
        return cls(handbook.today, len(handbook.documents), list(handbook.findings))


def kept_name(root: Path, kind: str) -> str:
    """The cache file keeping `kind` ("handbook" or "checked") for the handbook at `root` (one a
    repository folder: each run replaces it)."""
    return f"{kind}-{hashlib.sha256(str(root).encode('utf-8', 'surrogateescape')).hexdigest()[:16]}.pickle"


def inputs_fingerprint(root: Path, today: dt.date) -> str | None:
    """One hash of everything a loaded and checked handbook depends on (above), or None when the
    repository cannot be hashed as it is."""
    folder = cache_dir(root) if os.environ.get(CACHE_VAR, "").strip() else None  # a cache folder named for the run
    repository = tree_fingerprint(root, frozenset({folder.resolve()}) if folder else frozenset())
    code = tree_fingerprint(PACKAGE)
    if repository is None or code is None:
        return None
    settings = sorted((name, value) for name, value in os.environ.items() if name.startswith(SETTINGS_PREFIX))
    parts = [repository, code, sys.version, *installed_distributions(), repr(settings), today.isoformat()]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


class _HandbookUnpickler(pickle.Unpickler):
    """Makes only the classes a loaded handbook is made of (never a function, never another module's class)."""

    def find_class(self, module: str, name: str):
        found = super().find_class(module, name) if module.startswith(DATA_MODULES) or (module, name) in PLAIN_TYPES else None
        if not isinstance(found, type) or (module, name) not in PLAIN_TYPES and found.__module__ != module:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a loaded handbook")
        return found


def _read_kept(root: Path, kind: str, fingerprint: str | None, made: type[T]) -> T | None:
    """The `made` kept for `fingerprint`, or None (nothing kept, kept for other inputs, or not readable)."""
    if fingerprint is None:
        return None
    payload = read_signed(root, kept_name(root, kind), MAX_KEPT_BYTES)
    if payload is None:
        return None
    kept_for, _, pickled = payload.partition(b"\n")
    if kept_for != fingerprint.encode("ascii"):
        return None
    collecting = gc.isenabled()
    gc.disable()  # while thousands of objects are made, the collector would walk them again and again (3 times slower)
    try:
        kept = _HandbookUnpickler(io.BytesIO(pickled)).load()
    except Exception:  # whatever stops it, a cache that cannot be read is only a slower run
        return None
    finally:
        if collecting:
            gc.enable()
    return kept if isinstance(kept, made) else None


def _keep(root: Path, kind: str, fingerprint: str, kept: object) -> None:
    try:
        pickled = pickle.dumps(kept, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return  # something loaded that cannot be kept: the next run loads it again
    write_signed(root, kept_name(root, kind), fingerprint.encode("ascii") + b"\n" + pickled)


def _load_check_and_keep(root: Path, today: dt.date, fingerprint: str | None, whole: bool) -> Handbook:
    """load_and_check, keeping what it found for `fingerprint` (and the whole handbook if `whole`)
    when nothing changed while it ran."""
    handbook = load_and_check(root, today)
    if fingerprint is not None and inputs_fingerprint(root, today) == fingerprint:
        if whole:
            _keep(root, "handbook", fingerprint, handbook)
        _keep(root, "checked", fingerprint, Checked.of(handbook))
    return handbook


def load_and_check_kept(root: Path, today: dt.date) -> Handbook:
    """load_and_check, or the handbook it gave last time when nothing it depends on has changed since."""
    root = root.resolve()
    fingerprint = inputs_fingerprint(root, today)
    kept = _read_kept(root, "handbook", fingerprint, Handbook)
    return kept if kept is not None else _load_check_and_keep(root, today, fingerprint, whole=True)


def check_kept(root: Path, today: dt.date) -> Checked:
    """What load_and_check finds, or what it found last time when nothing it depends on has changed
    since (kept apart from the handbook itself, which is far larger to read and write)."""
    root = root.resolve()
    fingerprint = inputs_fingerprint(root, today)
    kept = _read_kept(root, "checked", fingerprint, Checked)
    return kept if kept is not None else Checked.of(_load_check_and_keep(root, today, fingerprint, whole=False))

"""The handbook as it was last loaded and checked, kept between runs of `handbook check` and of the
build (in the handbook's cache, handbook/sources/cache.py), so that a run on a handbook nothing has
changed in since the last one reads its answer instead of reading every document again.

What is kept is used only when everything it could depend on is the same: every file in the
repository by its content (all but what the tools make: the site, the export, caches, git and the
Python environment; handbook/sources/cache.py, MADE_FOLDERS), the handbook's code as this process
imported it, the libraries installed then, Python's version, every HANDBOOK_ setting, and the day.
A repository holding a symbolic link (`.cache` too) or a very large file, or with its cache folder
inside it anywhere but under `.cache/`, or code that cannot be hashed as it is, is not kept: it is
always loaded again.

An answer is kept only if no file changed while it was worked out: every file's and folder's
inode, size and times of change are read again after loading and must be the same (a file saved
again, even with the same words, has new times; a file added or taken away, even for a moment,
changes its folder's), and nothing may have changed in the two seconds before the run began (a
file system's clock ticks coarsely: a second save within the same tick could leave the same
times, as git knows of its index).

The kept handbook is a pickle, signed with this machine's secret like every cache file, and readable
by its owner only (it holds staff-only documents); one not signed here is never read. Even so, it
is read by an unpickler that makes only the handbook's own data classes, dates and paths."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import io
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from handbook.checks import load_and_check
from handbook.model.findings import Finding, WithFindings
from handbook.model.handbook import Handbook
from handbook.sources.cache import (
    CACHE_DIR,
    CACHE_VAR,
    Tree,
    cache_dir,
    handbook_code,
    inside,
    read_signed,
    read_tree,
    write_signed,
)

CODE_FINGERPRINT = handbook_code()  # as this module is imported: the code that runs
CACHE_FOLDER = Path(CACHE_DIR).parts[0]  # .cache, where the handbook's cache folder is
RECENT_NS = 2_000_000_000  # a file modified this shortly before a run began may be saved again unseen
MAX_KEPT_BYTES = 512 * 1024 * 1024  # a handbook of 2,000 documents keeps 35 MB
SETTINGS_PREFIX = "HANDBOOK_"
DATA_MODULES = ("handbook.model.", "handbook.sources.files", "handbook.checks.kept")
T = TypeVar("T")
PLAIN_TYPES = {("datetime", "date"), ("datetime", "datetime"), ("pathlib", "PosixPath"), ("pathlib", "WindowsPath")}


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


@dataclass(frozen=True)
class Inputs:
    """What a run's answer depends on: `fingerprint` names it all; `repository` is the tree as read."""
    fingerprint: str
    repository: Tree


def read_inputs(root: Path, today: dt.date) -> Inputs | None:
    """Everything a loaded and checked handbook depends on (above), or None when it cannot be kept."""
    if CODE_FINGERPRINT is None or os.path.islink(root / CACHE_FOLDER):
        return None  # code that cannot be hashed as it is; a cache folder a change could send anywhere
    named = os.environ.get(CACHE_VAR, "").strip()  # a cache folder named for the run
    folder = cache_dir(root)
    if folder is None or named and inside(folder, root) and not inside(folder, root / CACHE_FOLDER):
        return None  # no cache; or its own files would be read as the handbook's, or published with the site
    try:
        folder.mkdir(parents=True, exist_ok=True)  # now, not while the handbook is read (the top folder changes)
    except OSError:
        return None
    repository = read_tree(root)
    if repository is None:
        return None
    settings = sorted((name, value) for name, value in os.environ.items() if name.startswith(SETTINGS_PREFIX))
    parts = [repository.contents, CODE_FINGERPRINT, repr(settings), today.isoformat()]
    return Inputs(hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest(), repository)


class _HandbookUnpickler(pickle.Unpickler):
    """Makes only the classes a loaded handbook is made of (never a function, never another module's class)."""

    def find_class(self, module: str, name: str):
        found = super().find_class(module, name) if module.startswith(DATA_MODULES) or (module, name) in PLAIN_TYPES else None
        if not isinstance(found, type) or (module, name) not in PLAIN_TYPES and found.__module__ != module:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a loaded handbook")
        return found


def _read_kept(root: Path, kind: str, inputs: Inputs | None, made: type[T]) -> T | None:
    """The `made` kept for these inputs, or None (nothing kept, kept for other inputs, or not readable)."""
    if inputs is None:
        return None
    payload = read_signed(root, kept_name(root, kind), MAX_KEPT_BYTES)
    if payload is None:
        return None
    kept_for, _, pickled = payload.partition(b"\n")
    if kept_for != inputs.fingerprint.encode("ascii"):
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


def _keep(root: Path, kind: str, inputs: Inputs, kept: object) -> None:
    try:
        pickled = pickle.dumps(kept, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return  # something loaded that cannot be kept: the next run loads it again
    write_signed(root, kept_name(root, kind), inputs.fingerprint.encode("ascii") + b"\n" + pickled, mode=0o600)


def _load_check_and_keep(root: Path, today: dt.date, inputs: Inputs | None, started_ns: int, whole: bool) -> Handbook:
    """load_and_check, keeping what it found for `inputs` (and the whole handbook if `whole`) when
    no file changed while it ran (above)."""
    handbook = load_and_check(root, today)
    if inputs is None or inputs.repository.newest_ns >= started_ns - RECENT_NS:
        return handbook
    after = read_tree(root, contents=False)
    if after is None or (after.times, after.top) != (inputs.repository.times, inputs.repository.top):
        return handbook
    if whole and not any(document.render_problem for document in handbook.documents):
        _keep(root, "handbook", inputs, handbook)  # (a page that could not be rendered holds the reason, an exception)
    _keep(root, "checked", inputs, Checked.of(handbook))
    return handbook


def load_and_check_kept(root: Path, today: dt.date) -> Handbook:
    """load_and_check, or the handbook it gave last time when nothing it depends on has changed since."""
    return _kept_or_worked_out(root, today, "handbook", Handbook, lambda handbook: handbook)


def check_kept(root: Path, today: dt.date) -> Checked:
    """What load_and_check finds, or what it found last time when nothing it depends on has changed
    since (kept apart from the handbook itself, which is far larger to read and write)."""
    return _kept_or_worked_out(root, today, "checked", Checked, Checked.of)


def _kept_or_worked_out(root: Path, today: dt.date, kind: str, made: type[T], answer: Callable[[Handbook], T]) -> T:
    started_ns = time.time_ns()
    root = Path(os.path.realpath(root))
    inputs = read_inputs(root, today)
    kept = _read_kept(root, kind, inputs, made)
    return kept if kept is not None else answer(_load_check_and_keep(root, today, inputs, started_ns, whole=kind == "handbook"))

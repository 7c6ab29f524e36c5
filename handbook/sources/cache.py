"""The handbook's cache: figures that are slow to work out and depend only on inputs we can
name, kept between builds in `.cache/handbook/` at the top of the repository (outside site/,
ignored by git). HANDBOOK_CACHE_DIR names another folder (the tests share one).

A cache file holds a fingerprint of everything its figures depend on besides the keys
themselves (rule files, library versions, the handbook's code); a file with another fingerprint
is ignored and rewritten, never trusted. A cache that cannot be read or written is only a slower
build.

Only a cache made on this machine is read. A change could commit a cache file saying its harmful
page passed the checks, in `.cache/handbook/` or behind a symbolic link; so each file is signed
(HMAC-SHA256) with a secret made on first use, outside any repository and readable by its owner
only (`$XDG_CACHE_HOME/cura-handbook/cache-key`, by default under ~/.cache), and a file whose
signature does not match is ignored. The handbook's own cache folder is used only where it
really is (no symbolic link on the way), so a committed link cannot send the cache's writes
anywhere else. Where the secret cannot be read or made, nothing is cached."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import secrets
import stat
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CACHE_VAR = "HANDBOOK_CACHE_DIR"
CACHE_DIR = ".cache/handbook"
KEY_FOLDER = "cura-handbook"
KEY_NAME = "cache-key"
KEY_BYTES = 32
MAX_CACHE_BYTES = 64 * 1024 * 1024  # far more than a handbook of thousands of documents keeps
SIGNATURE_LINE_BYTES = hashlib.sha256().digest_size * 2 + 1  # a cache file's first line: the signature in hex


def cache_dir(root: Path) -> Path | None:
    """The folder the cache is kept in, or None when the handbook's own folder is not where it
    should be (`.cache` or `.cache/handbook` a symbolic link)."""
    given = os.environ.get(CACHE_VAR, "").strip()
    if given:
        return Path(given)
    try:
        folder = Path(root).resolve() / CACHE_DIR
        return folder if folder.resolve() == folder else None
    except (OSError, RuntimeError):  # a loop of symbolic links
        return None


def key_folder() -> Path:
    """Where this machine's secret is kept: $XDG_CACHE_HOME/cura-handbook, by default under ~/.cache
    (a relative XDG_CACHE_HOME is ignored, as the XDG specification says)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base and os.path.isabs(base) else Path.home() / ".cache") / KEY_FOLDER


def inside(path: Path | str, folder: Path | str) -> bool:
    """Whether `path` is `folder` or in it, once every symbolic link on the way is followed."""
    real, top = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([real, top]) == top


def signing_key(root: Path) -> bytes | None:
    """This machine's secret, for cache files of the handbook at `root`; None when it is kept inside
    the repository itself, where a change could commit one of its own."""
    folder = key_folder()
    return None if inside(folder, root) else machine_key(folder)


@functools.cache
def machine_key(folder: Path) -> bytes | None:
    """This machine's secret for signing cache files, in `folder` (made on first use, readable by
    its owner only), or None if it cannot be read or made."""
    path = folder / KEY_NAME
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            handle, temporary = tempfile.mkstemp(prefix=f".{KEY_NAME}.", dir=folder)  # the owner's only
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(secrets.token_bytes(KEY_BYTES))
                os.link(temporary, path)  # whole, in one step; another process's key, if it made one first, stays
            except FileExistsError:
                pass
            finally:
                os.unlink(temporary)
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK), "rb") as kept:
            made, place = os.fstat(kept.fileno()), os.stat(folder)
            if (not stat.S_ISREG(made.st_mode) or made.st_uid != os.geteuid() or made.st_mode & 0o077 or made.st_nlink != 1
                    or place.st_uid != os.geteuid() or place.st_mode & 0o022):
                return None  # not one this user made for itself (a checked-out file is readable by all)
            key = kept.read(KEY_BYTES + 1)
    except OSError:
        return None
    return key if len(key) == KEY_BYTES else None


def _signature(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).hexdigest().encode("ascii")


def signed(key: bytes, payload: bytes) -> bytes:
    """A cache file's bytes: the signature of `payload` on the first line, then `payload`."""
    return _signature(key, payload) + b"\n" + payload


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


def code_fingerprint(package: Tree | None, libraries: tuple[str, ...]) -> str | None:
    """One hash of a package's code (every file, by name and content), the libraries installed and
    Python's version: what the handbook's rules work out depends on all of them. None when the code
    cannot be hashed as it is (an editor's lock file in it, a link leading nowhere)."""
    if package is None:
        return None
    return hashlib.sha256("\0".join([package.contents, sys.version, *libraries]).encode("utf-8", "surrogateescape")).hexdigest()


@functools.cache
def handbook_code() -> str | None:
    """The fingerprint of the handbook's own code as this process runs it (code_fingerprint).
    Modules that keep what the code worked out take it as they are imported: the code read is then
    the code that runs, not a later change on disk."""
    return code_fingerprint(read_tree(Path(__file__).resolve().parent.parent), installed_distributions())


# What a folder's tools make, at its top (the site, the export, what `make build` and `handbook
# publish` work in, caches, git, the environment): never what a handbook is made from.
MADE_FOLDERS = frozenset({".git", ".venv", "site", ".site-build", "dist", "publish", ".cache", ".pytest_cache",
                          ".hypothesis", ".mypy_cache", ".ruff_cache"})
MADE_PREFIXES = (".publish-",)
MAX_TREE_FILE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Tree:
    """A folder as it is now: `contents` hashes every folder and file (by path, and each file by
    content), `times` every file's and folder's inode, size and times of change (but the top
    folder's own, which are `top`: tools make site/ and .cache/ there), and `newest_ns` is the
    latest of the times in `times` (nanoseconds)."""
    contents: str
    times: str
    top: tuple[int, int, int]
    newest_ns: int


def made(top: Path | str, path: str) -> bool:
    """Whether `path` is in (or is) one of the folders the tools make at the top of `top`."""
    name = os.path.relpath(path, top).split(os.sep, 1)[0]
    return name in MADE_FOLDERS or name.startswith(MADE_PREFIXES)


def _times(found: os.stat_result) -> bytes:
    return struct.pack("<Q3q", found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


def read_tree(top: Path, contents: bool = True) -> Tree | None:
    """The folder `top` as it is now: every folder and file but the folders the tools make at its
    top (with `contents` False, only their times are read: `contents` is then empty). A symbolic
    link counts by what it says, and only when it leads to a file that is itself counted (inside
    `top`, not in a made folder). None when the folder holds something whose content cannot be hashed
    as it is: any other symbolic link, anything that is not a file or a folder, a file over 32 MiB
    or one that changes while it is read."""
    by_content, by_times, newest = hashlib.sha256(), hashlib.sha256(), 0
    folders = [str(top)]
    try:
        own = os.stat(top)
        while folders:
            folder = folders.pop()
            record = b"folder\0" + os.fsencode(folder[len(str(top)):]) + b"\0"
            by_content.update(record)
            by_times.update(record)
            if folder != str(top):
                found = os.lstat(folder)  # a file added or taken away, even for a moment, changes its folder's times
                by_times.update(_times(found))
                newest = max(newest, found.st_mtime_ns, found.st_ctime_ns)
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name, reverse=True)
            for entry in entries:
                if folder == str(top) and made(top, entry.path):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                    continue
                name = os.fsencode(entry.name) + b"\0"
                found = entry.stat(follow_symlinks=False)
                by_times.update(b"entry\0" + name + _times(found))
                newest = max(newest, found.st_mtime_ns, found.st_ctime_ns)  # a copy may set an old mtime, never a ctime
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not (inside(target, top) and not made(top, target) and os.path.isfile(target)):
                        return None
                    by_content.update(b"link\0" + name + os.fsencode(os.readlink(entry.path)) + b"\0")
                    continue
                if not entry.is_file(follow_symlinks=False) or found.st_size > MAX_TREE_FILE_BYTES:
                    return None
                if contents:
                    with open(entry.path, "rb") as file:
                        content = file.read(found.st_size + 1)
                    if len(content) != found.st_size:  # changed while it was read
                        return None
                    by_content.update(b"file\0" + name + len(content).to_bytes(8, "big"))
                    by_content.update(content)
    except (OSError, struct.error):
        return None
    return Tree(by_content.hexdigest() if contents else "", by_times.hexdigest(),
                (own.st_ino, own.st_mtime_ns, own.st_ctime_ns), newest)


def installed_distributions() -> tuple[str, ...]:
    """The libraries this Python can import, by name and version (their `.dist-info` folders)."""
    names: list[str] = []
    for entry in sys.path:
        try:
            names += (name for name in os.listdir(entry or ".") if name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return tuple(sorted(names))


def read_signed(root: Path, name: str, max_bytes: int = MAX_CACHE_BYTES) -> bytes | None:
    """What cache file `name` holds, or None when it is missing, unreadable, larger than
    `max_bytes` or not signed by this machine."""
    folder, key = cache_dir(root), signing_key(root)
    if folder is None or key is None:
        return None
    try:
        # Never through a symbolic link, and only a regular file (a pipe would never end).
        with os.fdopen(os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK), "rb") as kept:
            if not stat.S_ISREG(os.fstat(kept.fileno()).st_mode):
                return None
            signature, _, payload = kept.read(SIGNATURE_LINE_BYTES + max_bytes).partition(b"\n")
    except (OSError, MemoryError):
        return None
    if len(payload) > max_bytes or not hmac.compare_digest(signature, _signature(key, payload)):
        return None
    return payload


def write_signed(root: Path, name: str, payload: bytes, mode: int = 0o644) -> None:
    """Replace cache file `name` with `payload`, signed, in one step (a reader never sees half a file).
    By default readable by all, like any file the build writes; `mode` 0o600 for what staff alone may read."""
    folder, key = cache_dir(root), signing_key(root)
    if folder is None or key is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    except OSError:
        return
    try:
        os.chmod(temporary, mode)  # mkstemp makes it private
        with os.fdopen(handle, "wb") as out:
            out.write(signed(key, payload))
        os.replace(temporary, folder / name)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def read_cache(root: Path, name: str, fingerprint: str) -> dict:
    """The entries of cache file `name`, or {} when it is missing, unreadable, not signed by this
    machine, or was made with another fingerprint."""
    payload = read_signed(root, name)
    if payload is None:
        return {}
    try:
        stored = json.loads(payload)
    except (ValueError, RecursionError, MemoryError):
        return {}
    if not isinstance(stored, dict) or stored.get("fingerprint") != fingerprint:
        return {}
    entries = stored.get("entries")
    return entries if isinstance(entries, dict) else {}


def write_cache(root: Path, name: str, fingerprint: str, entries: dict) -> None:
    """Replace cache file `name` in one step, signed."""
    write_signed(root, name, json.dumps({"fingerprint": fingerprint, "entries": entries}, sort_keys=True).encode("utf-8"))

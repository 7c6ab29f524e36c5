"""Reading the handbook's git history: files as they were at a commit, and who edited
and merged each change. Plain `git` commands; no working tree is touched.

Every git command the handbook runs goes through `run_git`: bytes in and out, file names
NUL-separated (`-z`), never quoted or re-encoded, so a policy named `café "quoted".md` is
compared, listed and given its history like any other."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from handbook.sources.errors import HandbookError

NOT_A_REPOSITORY = "is not a git repository"


def run_git(root: Path, *args: str, stdin: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """The one way the handbook runs git. Returns the finished process (stdout and stderr as
    bytes); with `check`, a failure is a HandbookError in one line."""
    try:
        result = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=root, input=stdin,
                                capture_output=True)
    except FileNotFoundError:
        raise HandbookError("git is not installed - install git to compare with a branch or read history") from None
    except NotADirectoryError:
        raise HandbookError(f"{root} is not a folder - run the command inside the handbook repository") from None
    if check and result.returncode != 0:
        message = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
        raise HandbookError(f"git {args[0]} failed: {message[0] if message else f'exit status {result.returncode}'}")
    return result


def git(root: Path, *args: str, check: bool = True) -> str:
    """A git command's output as text (for commands whose output holds no file names)."""
    return run_git(root, *args, check=check).stdout.decode("utf-8", "replace")


def _path(name: bytes) -> str:
    """A file name from git as the file system names it (the same text as pathlib gives)."""
    return os.fsdecode(name)


def in_repository(root: Path) -> bool:
    try:
        return git(root, "rev-parse", "--is-inside-work-tree", check=False).strip() == "true"
    except HandbookError:
        return False


def is_shallow(root: Path) -> bool:
    return git(root, "rev-parse", "--is-shallow-repository", check=False).strip() == "true"


class NotARepository(HandbookError):
    """The handbook is not in a git repository, so it has no history."""


class ShallowClone(HandbookError):
    """The repository is a shallow clone: its history is cut short."""


def require_history(root: Path, what: str) -> None:
    """Refuse, in one line, to do `what` without the full history: outside a git repository
    or in a shallow clone (which would silently give a history cut short)."""
    if not in_repository(root):
        raise NotARepository(f"{root} {NOT_A_REPOSITORY}: {what} needs the handbook's git history - "
                             "run it in a clone of the handbook's repository")
    if is_shallow(root):
        raise ShallowClone(f"{root} is a shallow clone: {what} needs the full history, which it does not "
                           "have - fetch it with: git fetch --unshallow")


def resolve(root: Path, ref: str) -> str:
    """The commit a branch, tag or commit name points at."""
    if not ref.strip():
        raise HandbookError("--base needs a branch, tag or commit to compare with, such as origin/main")
    if ref.startswith("-"):
        raise HandbookError(f"'{ref}' is not a branch, tag or commit name - names do not start with '-'")
    require_history(root, f"comparing with {ref}")
    result = run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False)
    if result.returncode != 0:
        raise HandbookError(f"'{ref}' is not a branch, tag or commit in this repository - "
                            "fetch it first (git fetch origin main) or check the spelling")
    return result.stdout.decode().strip()


def head_commit(root: Path) -> str | None:
    """The commit checked out, or None outside a git repository."""
    result = run_git(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False)
    return result.stdout.decode().strip() if result.returncode == 0 else None


def uncommitted(root: Path, paths: tuple[str, ...]) -> list[str]:
    """The files under `paths` that are not as the commit checked out holds them: changed,
    added, deleted, or new and not ignored by git."""
    listing = run_git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths).stdout
    found, entries = [], iter(listing.split(b"\0"))
    for entry in entries:
        if entry:
            found.append(_path(entry[3:]))
            if entry[:1] in b"RC" or entry[1:2] in b"RC":
                next(entries, None)  # a renamed or copied file: the name it had before follows
    return found


def changed_since(root: Path, commit: str) -> list[str]:
    """Every file of the working tree that is not as `commit` holds it: changed, added or
    deleted since (committed or not), or new and not ignored by git; sorted."""
    tracked = run_git(root, "diff", "--name-only", "-z", "--no-renames", commit, "--").stdout
    untracked = run_git(root, "ls-files", "--others", "--exclude-standard", "-z").stdout
    return sorted({_path(name) for name in (tracked + b"\0" + untracked).split(b"\0") if name})


def files_at(root: Path, commit: str, folders: tuple[str, ...]) -> list[str]:
    listing = run_git(root, "ls-tree", "-r", "-z", "--name-only", commit, "--", *folders).stdout
    return [_path(name) for name in listing.split(b"\0") if name.endswith(b".md")]


def read_blobs(root: Path, requests: list[tuple[str, str]]) -> list[str | None]:
    """The text of many (commit, path) at once (`git cat-file --batch`: one process, not one
    per file); None where the file is not in that commit."""
    texts: list[str | None] = [None] * len(requests)
    batch = [(i, f"{commit}:{path}") for i, (commit, path) in enumerate(requests) if "\n" not in path]
    for i, (commit, path) in enumerate(requests):
        if "\n" in path:  # the batch reads one name a line: read this one on its own
            result = run_git(root, "cat-file", "blob", f"{commit}:{path}", check=False)
            texts[i] = result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None
    if not batch:
        return texts
    data = run_git(root, "cat-file", "--batch",
                   stdin=b"".join(os.fsencode(name) + b"\n" for _, name in batch)).stdout
    position = 0
    for i, _ in batch:
        end = data.index(b"\n", position)
        header = data[position:end]
        position = end + 1
        parts = header.split(b" ")
        if header.endswith((b" missing", b" ambiguous")) or len(parts) != 3 or not parts[2].isdigit():
            continue
        size = int(parts[2])
        texts[i] = data[position:position + size].decode("utf-8", "replace") if parts[1] == b"blob" else None
        position += size + 1
    return texts


def log_records(root: Path, fields: list[str], *args: str) -> list[tuple[list[str], list[str]]]:
    """`git log --name-only -z` as (the requested fields, the file names) per commit. Fields
    are git format placeholders such as %H; NUL separates everything, so neither a file name
    nor a commit subject can be mistaken for the next record."""
    out = run_git(root, "log", "--name-only", "-z", "--format=" + "".join("%x00" + f for f in fields), *args,
                  check=False).stdout
    tokens = out.split(b"\0")
    records: list[tuple[list[str], list[str]]] = []
    index = 0
    while index + len(fields) < len(tokens):
        if tokens[index] != b"":
            index += 1
            continue
        header = [token.decode("utf-8", "replace") for token in tokens[index + 1:index + 1 + len(fields)]]
        index += 1 + len(fields)
        names: list[str] = []
        while index < len(tokens) and tokens[index] != b"":
            name = tokens[index].removeprefix(b"\n") if not names else tokens[index]
            names.append(_path(name))
            index += 1
        records.append((header, names))
    return records


def commit_on_or_before(root: Path, day: str) -> str:
    require_history(root, f"a copy as in force on {day}")
    commit = git(root, "rev-list", "-1", f"--before={day} 23:59:59", "HEAD").strip()
    if not commit:
        raise HandbookError(f"no commit on or before {day}: the handbook's history starts later")
    return commit


@dataclass(frozen=True)
class Edit:
    """One change that reached the main line: a merged pull request or a direct commit."""
    commit: str
    date: str
    edited_by: tuple[str, ...]
    merged_by: str
    subject: str

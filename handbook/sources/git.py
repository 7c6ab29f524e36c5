"""Reading the handbook's git history: files as they were at a commit, and who edited
and merged each change. Plain `git` commands; no working tree is touched."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from handbook.sources.errors import HandbookError


def git(root: Path, *args: str, check: bool = True) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    except FileNotFoundError:
        raise HandbookError("git is not installed - install git to compare with a branch or read history") from None
    if check and result.returncode != 0:
        raise HandbookError(f"git {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def in_repository(root: Path) -> bool:
    try:
        return git(root, "rev-parse", "--is-inside-work-tree", check=False).strip() == "true"
    except HandbookError:
        return False


def resolve(root: Path, ref: str) -> str:
    result = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=root,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise HandbookError(f"'{ref}' is not a branch, tag or commit in this repository - "
                            "fetch it first (git fetch origin main) or check the spelling")
    return result.stdout.strip()


def files_at(root: Path, commit: str, folders: tuple[str, ...]) -> list[str]:
    listing = git(root, "ls-tree", "-r", "--name-only", commit, "--", *folders)
    return [line for line in listing.splitlines() if line.endswith(".md")]


def file_at(root: Path, commit: str, path: str) -> str | None:
    result = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=root, capture_output=True)
    return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None


def read_many(root: Path, requests: list[str]) -> list[str | None]:
    """The text of many "commit:path" at once, None for each that is not there: one
    `git cat-file --batch` process, not one per file."""
    if not requests:
        return []
    try:
        result = subprocess.run(["git", "cat-file", "--batch"], cwd=root, input=("\n".join(requests) + "\n").encode(),
                                capture_output=True)
    except FileNotFoundError:
        raise HandbookError("git is not installed - install git to compare with a branch or read history") from None
    data, position = result.stdout, 0
    texts: list[str | None] = []
    for _ in requests:
        end = data.index(b"\n", position)
        header = data[position:end].decode()
        position = end + 1
        if header.endswith("missing"):
            texts.append(None)
            continue
        size = int(header.split()[2])
        texts.append(data[position:position + size].decode("utf-8", "replace"))
        position += size + 1
    return texts


def commit_on_or_before(root: Path, day: str) -> str:
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

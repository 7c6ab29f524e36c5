"""Each document's history for its page: the version history from its front matter, the
edits that reached the main line (who edited, who merged, from git), and what changed
since the previous approved version."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from handbook.model.documents import GOVERNED_FOLDERS, Document, read_document_text
from handbook.sources.git import Edit, log_records, read_blobs, require_history


@dataclass
class DocumentHistory:
    edits: list[Edit] = field(default_factory=list)
    previous: Document | None = None   # the previous approved version, if git has one


def _main_line_edits(root: Path) -> dict[str, list[Edit]]:
    """One `git log` for every governed file: path -> edits, newest first."""
    by_path: dict[str, list[Edit]] = {}
    records = log_records(root, ["%H", "%P", "%an", "%cn", "%cs", "%s"], "--first-parent", "-m", "--",
                          *GOVERNED_FOLDERS)
    for (commit, parent_list, author, committer, date, subject), names in records:
        parents = parent_list.split()
        paths = [n for n in names if n.endswith(".md")]
        editors = _branch_authors(root, parents) if len(parents) > 1 else {}
        for path in paths:
            if len(parents) > 1:
                edit = Edit(commit, date, tuple(editors.get(path, [author])), author, subject)
            else:
                edit = Edit(commit, date, (author,), committer if committer != author else "", subject)
            by_path.setdefault(path, []).append(edit)
    return by_path


def _branch_authors(root: Path, parents: list[str]) -> dict[str, list[str]]:
    """For a merge: path -> the authors of the merged commits that touched it."""
    authors: dict[str, list[str]] = {}
    for (author,), names in log_records(root, ["%an"], f"{parents[0]}..{parents[1]}", "--", *GOVERNED_FOLDERS):
        for path in names:
            if author not in authors.setdefault(path, []):
                authors[path].append(author)
    return authors


def load_histories(root: Path, documents: list[Document]) -> dict[str, DocumentHistory]:
    """Each valid document's history. Raises NotARepository outside a git repository (the
    build says so in one line and goes on without history) and ShallowClone in a shallow
    clone (which would give a history cut short)."""
    require_history(root, "the history shown on each page")
    edits = _main_line_edits(root)
    histories = {d.path: DocumentHistory(edits.get(d.path, [])) for d in documents if d.valid}
    # The previous approved version: the newest committed copy that is approved and has another version.
    requests, owners = [], []
    for path, history in histories.items():
        for edit in history.edits:
            requests.append((edit.commit, path))
            owners.append(path)
    current_version = {d.path: d.version for d in documents}
    for path, text in zip(owners, read_blobs(root, requests)):
        history = histories[path]
        if history.previous is not None or text is None:
            continue
        old, problem = read_document_text(path, text)
        if problem is None and old.meta.get("status") == "approved" and str(old.meta.get("version")) != current_version[path]:
            history.previous = old
    return histories


# --- what changed -----------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[*])")


def sentences(markdown_text: str) -> list[str]:
    """The text as a list of sentences and headings, for a readable comparison."""
    items = []
    for block in re.split(r"\n\s*\n", markdown_text):
        block = " ".join(line.strip() for line in block.strip().splitlines())
        if block:
            items += [s.strip() for s in _SENTENCE_END.split(block) if s.strip()]
    return items


def what_changed(before: str, after: str) -> list[tuple[str, str]]:
    """[("added" | "removed", sentence)] going from `before` to `after`."""
    old, new = sentences(before), sentences(after)
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            changes += [("removed", s) for s in old[i1:i2]]
        if tag in ("insert", "replace"):
            changes += [("added", s) for s in new[j1:j2]]
    return changes

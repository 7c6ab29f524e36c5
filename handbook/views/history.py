"""Each document's history for its page: who proposed and who merged each change to its
text that reached the main line (from git; a commit that changed only the front matter, or
nothing of this document's text, is not listed), and what changed since the previous
approved version, sentence by sentence, as plain text."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from handbook.model.documents import GOVERNED_FOLDERS, Document, read_document_text
from handbook.sources.git import Edit, log_records, read_blobs, require_history


@dataclass(frozen=True)
class TextChange:
    """A change to a document's text that reached the main line."""
    date: dt.date
    edited_by: tuple[str, ...]   # the authors of the commits that made it (people's names from git)
    # Who merged it into the main line: the author of the merge commit. None is recorded for a
    # commit made on the main line itself (git's committer is whoever last rewrote or applied the
    # commit, which is no record of a merge).
    merged_by: str


@dataclass
class DocumentHistory:
    edits: list[TextChange] = field(default_factory=list)
    previous: Document | None = None   # the previous approved version, if git has one


def _main_line_edits(root: Path) -> dict[str, list[Edit]]:
    """One `git log` for every governed file: path -> edits, newest first."""
    by_path: dict[str, list[Edit]] = {}
    records = log_records(root, ["%H", "%P", "%an", "%cs", "%s"], "--first-parent", "-m", "--", *GOVERNED_FOLDERS)
    for (commit, parent_list, author, date, subject), names in records:
        parents = parent_list.split()
        paths = [n for n in names if n.endswith(".md")]
        editors = _branch_authors(root, parents) if len(parents) > 1 else {}
        for path in paths:
            if len(parents) > 1:
                edit = Edit(commit, date, tuple(editors.get(path, [author])), author, subject)
            else:
                edit = Edit(commit, date, (author,), "", subject)
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
    valid = [d for d in documents if d.valid]
    # Each edit's copy of the document and its copy before the edit (the first parent's), in
    # one `git cat-file --batch`: an edit is listed only if the text itself changed.
    requests, owners = [], []
    for document in valid:
        for edit in edits.get(document.path, []):
            requests += [(edit.commit, document.path), (f"{edit.commit}^1", document.path)]
            owners.append((document, edit))
    texts = read_blobs(root, requests)
    histories = {d.path: DocumentHistory() for d in valid}
    for index, (document, edit) in enumerate(owners):
        after, before = texts[2 * index], texts[2 * index + 1]
        history = histories[document.path]
        if after is None:
            continue
        new, problem = read_document_text(document.path, after)
        if before is None or read_document_text(document.path, before)[0].body.strip() != new.body.strip():
            history.edits.append(TextChange(dt.date.fromisoformat(edit.date), edit.edited_by, edit.merged_by))
        # The previous approved version: the newest committed copy that is approved, with another version.
        if (history.previous is None and problem is None and new.meta.get("status") == "approved"
                and new.approval is not None and str(new.meta.get("version")) != document.version):
            history.previous = new
    return histories


# --- what changed -----------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[*])")


_LIST_ITEM = re.compile(r"\n(?=\s*(?:[-*+]|\d{1,3}[.)])\s)")
_LIST_MARKER = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+")


def sentences(markdown_text: str) -> list[str]:
    """The text as a list of sentences and headings, for a readable comparison: each
    paragraph and each list item on its own (without its marker), split into sentences."""
    items = []
    for block in re.split(r"\n\s*\n", markdown_text):
        for part in _LIST_ITEM.split(block.strip()):
            text = _LIST_MARKER.sub("", " ".join(line.strip() for line in part.strip().splitlines()))
            items += [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
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

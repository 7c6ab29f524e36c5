"""Governed documents: the Markdown files in policies/ and statement-of-purpose/,
each with front matter saying who owns it, when it was approved and reviewed, and
which regulations it serves."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dateutil.relativedelta import relativedelta

from handbook.sources.yaml_files import BOM, YamlProblem, parse_yaml

GOVERNED_FOLDERS = ("statement-of-purpose", "policies")
# Every folder the site is built from: what may be in them is checked (handbook/checks/files.py).
SITE_FOLDERS = (*GOVERNED_FOLDERS, "docs", "overrides")
DUE_SOON_DAYS = 60  # a review due within this many days is "due soon"

# The same front-matter pattern MkDocs uses (mkdocs/utils/meta.py), so both read the same block.
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


@dataclass
class Document:
    path: str                       # relative to the repository root, with forward slashes
    meta: dict = field(default_factory=dict)
    body: str = ""
    body_first_line: int = 1
    front_matter_text: str = ""
    readable: bool = True           # False when the front matter could not be read at all
    valid: bool = False             # True once the front matter passed the schema
    # The body as its {{ }} and {% %} make it, rendered once while loading (handbook/loading/rendering.py,
    # render_pages) for the checks and the build; None while it does not render, with the problem;
    # and the facts and edition it was rendered with (the public edition's facts are others).
    rendered: str | None = None
    render_problem: Exception | None = field(default=None, repr=False, compare=False)
    rendered_with: tuple[object, str] | None = field(default=None, repr=False, compare=False)
    _next_review: tuple = field(default=(None, None, None), repr=False, compare=False)

    # Typed views of the front matter; only meaningful when `valid` is True.
    @property
    def id(self) -> str:
        value = self.meta.get("id")
        return value if isinstance(value, str) and value else Path(self.path).stem

    @property
    def title(self) -> str:
        """The title as text (the file name while the front matter gives none, or not as text)."""
        value = self.meta.get("title")
        return value if isinstance(value, str) and value.strip() else Path(self.path).stem

    def _text(self, name: str) -> str:
        value = self.meta.get(name, "")
        return value if isinstance(value, str) else ""

    def _list(self, name: str) -> list:
        value = self.meta.get(name)
        return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []

    @property
    def kind(self) -> str:
        return self._text("kind")

    @property
    def status(self) -> str:
        return self._text("status")

    @property
    def version(self) -> str:
        return str(self.meta.get("version", ""))

    @property
    def owner(self) -> str:
        return self._text("owner")

    @property
    def current_change(self) -> dict | None:
        """The changes entry that made the version in force: the newest entry for this
        version that changed the text (a review-only entry keeps the version it reviewed)."""
        for change in self.changes:
            if str(change.get("version")) == self.version and not change.get("review_only"):
                return change
        return None

    @property
    def approval(self) -> Approval | None:
        """Who approved the version shown, and when: recorded on that version's changes entry."""
        return approval_of(self.current_change)

    @property
    def previous_approval(self) -> tuple[str, Approval] | None:
        """(version, approval) of the newest earlier version that was approved."""
        for change in self.changes:
            if str(change.get("version")) != self.version and (approval := approval_of(change)):
                return str(change.get("version")), approval
        return None

    @property
    def approved_by(self) -> str:
        return self.approval.by if self.approval else ""

    @property
    def approved_on(self) -> dt.date | None:
        return self.approval.on if self.approval else None

    @property
    def last_reviewed(self) -> dt.date | None:
        return _date(self.meta.get("last_reviewed"))

    @property
    def review_every_months(self) -> int:
        value = self.meta.get("review_every_months", 12)
        return value if isinstance(value, int) and not isinstance(value, bool) else 12

    @property
    def next_review(self) -> dt.date | None:
        last, months = self.last_reviewed, self.review_every_months
        if last is None:
            return None
        if self._next_review[:2] != (last, months):  # worked out once (the review schedule asks thousands of times)
            try:
                due = last + relativedelta(months=months)
            except (OverflowError, ValueError):  # a date near the end of the calendar (validation reports it)
                due = dt.date.max
            self._next_review = (last, months, due)
        return self._next_review[2]

    @property
    def regulations(self) -> list[str]:
        return self._list("regulations")

    @property
    def audience(self) -> list[str]:
        return self._list("audience")

    @property
    def tags(self) -> list[str]:
        return self._list("tags")

    @property
    def search_terms(self) -> list[str]:
        """Words people type to find this document that its text may not use (search finds it by them)."""
        return [str(term) for term in self.meta.get("search_terms") or []]

    @property
    def changes(self) -> list[dict]:
        value = self.meta.get("changes")
        return [change for change in value if isinstance(change, dict)] if isinstance(value, list) else []

    @property
    def summary(self) -> str:
        return self._text("summary")

    @property
    def on_website(self) -> bool:
        """Published on the home's website once approved: the Statement of Purpose (regulation
        16(4)) unless it says `website: false`, and any document that says `website: true`."""
        marked = self.meta.get("website")
        if self.kind == "statement-of-purpose":
            return marked is not False
        return marked is True

    @property
    def in_force(self) -> bool:
        """Only approved documents count: drafts and retired documents serve no regulation."""
        return self.valid and self.status == "approved"

    def review_state(self, today: dt.date) -> str:
        """'overdue', 'due-soon' or 'in-date' for an approved document; '' otherwise."""
        if self.status != "approved" or self.next_review is None:
            return ""
        days = (self.next_review - today).days
        if days < 0:
            return "overdue"
        return "due-soon" if days <= DUE_SOON_DAYS else "in-date"

    def line_of(self, key: str | None) -> int | None:
        """The file line of a top-level front-matter key, for messages."""
        if key is None:
            return None
        return _key_lines(self.front_matter_text).get(key)

    def line_of_change(self, number: int, key: str | None = None) -> int | None:
        """The file line of the changes entry `number` (from 1, as changes[1] in messages), or of
        its field `key`; the line of `changes:` when the entry is not written as a block list."""
        return _change_lines(self.front_matter_text, number, key) or self.line_of("changes")


def _change_lines(front_matter_text: str, number: int, key: str | None) -> int | None:
    """The line of the `number`th item of the block list under `changes:` (or of its field `key`)."""
    entries = _change_entry_lines(front_matter_text)
    if not 1 <= number <= len(entries):
        return None
    return entries[number - 1].get(key) or entries[number - 1][None]


@lru_cache(maxsize=8192)  # read once for every date and summary of every entry
def _change_entry_lines(front_matter_text: str) -> tuple[dict[str | None, int], ...]:
    """For each item of the block list under `changes:`, its file line (key None) and the first
    line of each of its fields; nothing when there are no changes or they are written inline ([...]),
    where the key's own line says where."""
    lines = front_matter_text.splitlines()
    start = next((index for index, text in enumerate(lines) if text.startswith("changes:")), None)
    if start is None or lines[start].split(":", 1)[1].strip():
        return ()
    entries: list[dict[str | None, int]] = []
    indent = _item_indent(lines, start)
    for index in range(start + 1, len(lines)):
        text = lines[index]
        if text.strip() and not text.startswith((" ", "-")):
            break  # the next top-level key
        line = index + 2  # front matter starts on the file's line 2
        if text.lstrip().startswith("- ") and len(text) - len(text.lstrip()) == indent:
            entries.append({None: line, text.lstrip()[2:].split(":", 1)[0].strip(): line})
        elif entries:
            entries[-1].setdefault(text.strip().split(":", 1)[0], line)
    return tuple(entries)


def _item_indent(lines: list[str], start: int) -> int:
    """The indentation of the first list item after line `start`."""
    first = next((text for text in lines[start + 1:] if text.lstrip().startswith("- ")), "")
    return len(first) - len(first.lstrip())


@lru_cache(maxsize=8192)  # the same front matter is looked up many times (in each home of a provider)
def _key_lines(front_matter_text: str) -> dict[str, int]:
    """Each line's text up to its first colon -> the first file line it starts (front matter starts on line 2)."""
    lines: dict[str, int] = {}
    for number, text in enumerate(front_matter_text.splitlines(), start=2):
        if ":" in text:
            lines.setdefault(text.split(":", 1)[0].rstrip(), number)
    return lines


@dataclass(frozen=True)
class Approval:
    by: str
    on: dt.date


_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def text_changed(before: Document, after: Document) -> bool:
    """Does the document's text read differently? Blank lines at its start and spaces at its end
    change nothing a reader sees; anything else may (four spaces before the first line make it code)."""
    return _LEADING_BLANK_LINES.sub("", before.body).rstrip() != _LEADING_BLANK_LINES.sub("", after.body).rstrip()


# What may be added to a changes entry already on the base branch, once it happens: the version's
# approval, and the day a revised Statement of Purpose was sent to Ofsted. Nothing else in it
# changes. Each records something that happened, so no check ever suggests writing one.
ADDED_LATER = frozenset({"approved_by", "approved_on", "ofsted_notified_on"})


def kept_entries(before: Document, after: Document) -> list[tuple[dict, dict]] | None:
    """Each changes entry of an earlier copy of a document (`before`) with the entry in its place
    now: the history is newest first, so the earlier entries end the list. None when entries
    were removed."""
    old, new = before.changes, after.changes
    if len(new) < len(old):
        return None
    return list(zip(old, new[len(new) - len(old):]))


def approval_of(change: dict | None) -> Approval | None:
    """A version is approved when its changes entry records approved_by and approved_on."""
    day = _date(change.get("approved_on")) if change else None
    if not change or not change.get("approved_by") or day is None:
        return None
    return Approval(str(change["approved_by"]), day)


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def governed_paths(root: Path) -> list[Path]:
    paths: list[Path] = []
    for folder in GOVERNED_FOLDERS:
        base = root / folder
        # A symbolic link is never read through (the files check refuses it); rglob does not
        # enter a linked folder, and a linked file is left out here.
        if base.is_dir() and not base.is_symlink():
            paths.extend(p for p in base.rglob("*.md") if not _hidden(p.relative_to(root)) and not p.is_symlink())
    return sorted(paths)


def _hidden(relative: Path) -> bool:
    return any(part.startswith((".", "_")) for part in relative.parts)


class FrontMatterProblem(Exception):
    def __init__(self, message: str, fix: str, line: int | None = None):
        super().__init__(message)
        self.message, self.fix, self.line = message, fix, line


def read_document(root: Path, path: Path) -> tuple[Document, FrontMatterProblem | None]:
    """Read one governed file. Returns the document and, if its front matter could not be
    read, the problem (the document is then marked unreadable)."""
    relative = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Document(relative, readable=False), FrontMatterProblem(
            "the file is not UTF-8 text", "save it again as UTF-8")
    return read_document_text(relative, text)


def read_document_text(relative: str, text: str) -> tuple[Document, FrontMatterProblem | None]:
    """Read a governed document from its text (from disk, or from git history)."""
    text = text.removeprefix(BOM).replace("\r\n", "\n")
    match = FRONT_MATTER.match(text)
    if not match:
        return Document(relative, body=text, readable=False), FrontMatterProblem(
            "the document has no front matter",
            "start the file with a block between two '---' lines holding id, title, kind, status "
            "and the other fields (see README, 'Adding or reviewing a document')", line=1)
    front = match.group(1)
    body = text[match.end():]
    first_body_line = text[: match.end()].count("\n") + 1
    document = Document(relative, body=body, body_first_line=first_body_line, front_matter_text=front)
    try:
        meta = parse_yaml(front, first_line=2)
    except YamlProblem as problem:
        document.readable = False
        message = problem.message  # or well-formed, but not accepted (a key given twice, an alias)
        if problem.syntax:
            message = f"the front matter is not valid YAML: {message.removeprefix('the YAML is not valid ')}"
        return document, FrontMatterProblem(message, problem.fix or "correct the front matter", line=problem.line)
    if not isinstance(meta, dict):
        document.readable = False
        return document, FrontMatterProblem(
            "the front matter is not a list of 'field: value' lines",
            "write one field per line, such as 'title: Missing child policy'", line=2)
    document.meta = meta
    return document, None

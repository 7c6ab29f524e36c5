"""Validating each document's front matter against the schema in data/front-matter.schema.yml
(JSON Schema), with messages a registered manager can act on. Part of loading: it marks
which documents are valid, which every check then relies on."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from handbook.model.documents import ADDED_LATER, Document
from handbook.model.findings import Finding, error
from handbook.model.handbook import Handbook
from handbook.model.home import HOME_FILE, TAGS_FILE
from handbook.sources.clock import long_date
from handbook.sources.errors import HandbookError
from handbook.sources.files import control_characters
from handbook.sources.letters import one_letter_away
from handbook.sources.schemas import explainer, validity
from handbook.sources.yaml_files import YamlProblem, read_yaml_file

SCHEMA_FILE = "data/front-matter.schema.yml"
# Every date in the front matter records something that happened: on or after this day (the
# handbook's records start after it) and on or before today.
EARLIEST = dt.date(2000, 1, 1)
DATE_FIELDS = ("date", "approved_on", "ofsted_notified_on")
# A title is text shown as it is everywhere (navigation, tables, feeds, the PDF): never a template.
_JINJA_OPENERS = ("{{", "{%", "{#")


def check_readable(handbook: Handbook) -> list[Finding]:
    return [error("front-matter", path, problem.message, problem.fix, line=problem.line)
            for path, problem in handbook.unreadable.items()]


@lru_cache(maxsize=4)
def _base_schema(root: Path) -> dict:
    try:
        return read_yaml_file(root / SCHEMA_FILE)
    except YamlProblem as problem:
        raise HandbookError(f"{SCHEMA_FILE}: {problem.message} - restore it from the handbook's repository") from None


def front_matter_schema(root: Path, roles: list[str], tags: list[str]) -> dict:
    """The schema, with the roles and topics the home's data files allow."""
    schema = dict(_base_schema(root))
    properties = dict(schema["properties"])
    properties["owner"] = {**properties["owner"], "enum": roles}
    change = dict(properties["changes"]["items"])
    change["properties"] = {**change["properties"],
                            "approved_by": {**change["properties"]["approved_by"], "enum": roles}}
    properties["changes"] = {**properties["changes"], "items": change}
    properties["tags"] = {**properties["tags"], "items": {"enum": tags}}
    schema["properties"] = properties
    return schema


def _field_name(path) -> str:
    name = ""
    for part in path:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _describe(value) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    if value is None:
        return "nothing"
    return repr(value)


if TYPE_CHECKING:
    from jsonschema import ValidationError

_TYPE_WORDS = {"string": "text", "integer": "a whole number", "array": "a list",
               "object": "a group of 'name: value' fields", "boolean": "yes or no"}


def _schema_finding(document: Document, problem: ValidationError, schema: dict) -> Finding:
    field = _field_name(problem.absolute_path)
    top = str(problem.absolute_path[0]) if problem.absolute_path else None
    hint = problem.schema.get("hint") if isinstance(problem.schema, dict) else None
    value = problem.instance
    kind = problem.validator
    if kind == "required":
        missing = [name for name in problem.validator_value if name not in value]
        name = missing[0]
        full = f"{field}[{name}]" if field else name
        properties = problem.schema.get("properties") or schema["properties"]
        item_hint = (properties.get(name) or {}).get("hint", "add it")
        where = f" in {field}" if field else ""
        return error("front-matter", document.path, f"missing field '{name}'{where}",
                     f"add {name}: - {item_hint}" if not field else f"add {name} to that entry: {item_hint}",
                     field=full, line=_line(document, problem.absolute_path) if field else _missing_line(document, name))
    if kind == "additionalProperties":
        known = list((problem.schema.get("properties") or {}).keys())
        extras = [name for name in value if name not in known]
        name = extras[0]
        if not field and name in ("approved_by", "approved_on"):
            return error("front-matter", document.path, f"{name} belongs to the version it approves, not to "
                         "the whole document", f"move {name} into the changes entry of the version that was "
                         "approved; if nobody has approved it yet, remove it and set status: draft",
                         field=name, line=document.line_of(name))
        properties = problem.schema.get("properties") or {}
        close = [other for other in difflib.get_close_matches(name.lower(), known, n=3)
                 if _may_suggest(name, other, properties.get(other) or {}, value[name])]
        fix = (f"did you mean '{close[0]}'? Rename it" if close
               else f"remove it; the fields you can use {'in that entry ' if field else ''}are: {', '.join(known)}")
        return error("front-matter", document.path, f"unknown field '{name}'" + (f" in {field}" if field else ""),
                     fix, field=name if not field else f"{field}.{name}",
                     line=_line(document, problem.absolute_path, name) if field else document.line_of(name))
    if kind == "enum":
        allowed = ", ".join(str(v) for v in problem.validator_value)
        source = {"owner": f"the roles in {HOME_FILE}", "changes": f"the roles in {HOME_FILE}",
                  "tags": f"the topics in {TAGS_FILE}"}.get(top or "")
        fix = f"use one of {source}: {allowed}" if source else f"use one of: {allowed}"
        return error("front-matter", document.path, f"{field}: {_describe(value)} is not an allowed value",
                     fix, field=field, line=_line(document, problem.absolute_path))
    if kind == "type":
        expected = problem.validator_value
        words = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in (expected if isinstance(expected, list) else [expected]))
        quoted = (f'write it in quotes: "{value}"' if expected == "string" and isinstance(value, int | float)
                  and not isinstance(value, bool) else None)  # regulations: [13] reads as a number
        return error("front-matter", document.path, f"{field} should be {words}, not {_describe(value)}",
                     hint or quoted or "correct the value", field=field, line=_line(document, problem.absolute_path))
    if kind == "format":
        if written := _written_otherwise(value):
            return error("front-matter", document.path, f"{field}: {_describe(value)} is not written as YYYY-MM-DD",
                         f"write it year first: {written.isoformat()} ({long_date(written)})", field=field,
                         line=_line(document, problem.absolute_path))
        return error("front-matter", document.path, f"{field}: {_describe(value)} is not a real date",
                     hint or "write the date as YYYY-MM-DD", field=field, line=_line(document, problem.absolute_path))
    if kind == "uniqueItems":
        return error("front-matter", document.path, f"{field} lists the same value twice",
                     "remove the repeated value", field=field, line=_line(document, problem.absolute_path))
    return error("front-matter", document.path, f"{field}: {_describe(value)} is not valid",
                 hint or "correct the value", field=field, line=_line(document, problem.absolute_path))


_JSON_TYPES = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}


def _may_suggest(name: str, other: str, schema: dict, value) -> bool:
    """Whether to suggest renaming the unknown field `name` to `other`: only if `other` takes a
    value of this kind (reviewed_by: Deputy Manager is not review_only), and, for a field that
    records what happened (an approval, a notice to Ofsted), only for a typing slip one letter
    away (capitals aside): the check never suggests recording an approval that was written as something else."""
    expected = _JSON_TYPES.get(str(schema.get("type")))
    if expected is not None and not (isinstance(value, expected) and not (expected is int and isinstance(value, bool))):
        return False
    return other not in ADDED_LATER or name.lower() in one_letter_away(other)


def _missing_line(document: Document, name: str) -> int | None:
    """Where to add a field the front matter lacks: the line of the --- that closes it."""
    return document.line_of(name) or (document.body_first_line - 1 if document.body_first_line > 1 else None)


def _line(document: Document, path, key: str | None = None) -> int | None:
    """The file line of the value at `path` (the schema's path into the front matter), or of
    `key` inside it: a changes entry's own line, not the line of `changes:`."""
    parts = list(path)
    if len(parts) >= 2 and parts[0] == "changes" and isinstance(parts[1], int):
        inside = key or (parts[2] if len(parts) > 2 and isinstance(parts[2], str) else None)
        return document.line_of_change(parts[1] + 1, inside)
    return document.line_of(str(parts[0]) if parts else key)


# Dates as people write them in the UK: 04/12/2026, 4.12.2026, 4 December 2026, 4 Dec 2026.
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
_DAY_MONTH_NAME = ("%d %B %Y", "%d %b %Y")


def _written_otherwise(value) -> dt.date | None:
    """The day a date written day first means, or None: a real day written another way than YYYY-MM-DD."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if found := _DAY_FIRST.fullmatch(text):
        try:
            return dt.date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        except ValueError:
            return None
    for form in _DAY_MONTH_NAME:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_date(text) -> bool:
    """YYYY-MM-DD and a real day: not a week date (2026-W05-1), an ordinal date or 20260205."""
    if not isinstance(text, str):
        return True  # a value that is not text: the type check says so
    if not _DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


_FORMATS = (("date", _is_date),)


def _dates(document: Document) -> list[tuple[str, int | None, str]]:
    """(field, its file line, value) of every date in valid front matter."""
    found = [("last_reviewed", document.line_of("last_reviewed"), document.meta["last_reviewed"])] \
        if "last_reviewed" in document.meta else []
    for number, change in enumerate(document.meta.get("changes") or [], start=1):
        found += [(f"changes[{number}].{name}", document.line_of_change(number, name), change[name])
                  for name in DATE_FIELDS if name in change]
    return found


def _printed_texts(document: Document) -> list[tuple[str, int | None, str]]:
    """(field, its file line, text) of the front matter printed as written: the title, the summary
    and each changes summary (navigation, Document control, the History table, the PDF, the
    reviewer's summary in a terminal)."""
    found = [(name, document.line_of(name), document.meta[name]) for name in ("title", "summary")
             if isinstance(document.meta.get(name), str)]
    return found + [(f"changes[{number}].summary", document.line_of_change(number, "summary"), change["summary"])
                    for number, change in enumerate(document.meta.get("changes") or [], start=1)
                    if isinstance(change.get("summary"), str)]


def check_dates_and_text(document: Document, today: dt.date) -> list[Finding]:
    """Dates that could not have happened (before 2000, after today), a template in the title,
    and a control character or direction mark in text printed as written. Runs on front matter
    that passed the schema."""
    findings = []
    for field, line, value in _dates(document):
        day = dt.date.fromisoformat(value)
        if day > today:
            findings.append(error(
                "future-date", document.path, f"{field} is {long_date(day)}, which is after today ({long_date(today)})",
                "write the date the approval, review or change really happened", field=field, line=line))
        elif day < EARLIEST:
            findings.append(error(
                "front-matter", document.path, f"{field} is {long_date(day)}, before {EARLIEST.year}, which cannot be right",
                "write the date the approval, review or change really happened, as YYYY-MM-DD", field=field,
                line=line))
    title = document.meta.get("title")
    if isinstance(title, str) and any(opener in title for opener in _JINJA_OPENERS):
        findings.append(error(
            "front-matter", document.path, "title holds {{, {% or {#, but a title is plain text and is never filled in",
            "write the title out in full, without braces", field="title", line=document.line_of("title")))
    for field, line, text in _printed_texts(document):
        if controls := control_characters(text):
            findings.append(error(
                "front-matter", document.path, f"{field} holds {', '.join(controls)}, a control character or direction "
                "mark: printed, it can rewrite or reorder the line around it (a terminal, the History table)",
                f"type {field} again as plain words, without it", field=field, line=line))
    return findings


def _field_name_problems(document: Document) -> list[Finding]:
    """Field names are words: a number, a list or nothing before a colon is not one."""
    findings = []
    entries = [("", "", document.meta)] + [
        (f"changes[{number}]", "changes", change)
        for number, change in enumerate(document.meta.get("changes") or [] if isinstance(
            document.meta.get("changes"), list) else [], start=1) if isinstance(change, dict)]
    for where, key, mapping in entries:
        for name in mapping:
            if not isinstance(name, str):
                shown = " ".join(str(name).split())[:40]
                findings.append(error(
                    "front-matter", document.path, f"{where + ': ' if where else ''}'{shown}' is not a field name",
                    "write each field as a word followed by a colon, such as 'title: Missing child policy'",
                    line=document.line_of(key or shown)))
    return findings


def validate_front_matter(handbook: Handbook) -> list[Finding]:
    """Validate each document's front matter against the schema. fastjsonschema (the schema
    compiled to Python) answers "valid?" quickly for thousands of documents; jsonschema
    then explains each problem in a document that is not."""
    schema = front_matter_schema(handbook.root, handbook.home.roles, handbook.tags)
    valid = validity(schema, _FORMATS)
    validator = None  # made for the first document that is not valid
    findings = []
    for document in handbook.documents:
        if not document.readable:
            continue
        named = _field_name_problems(document)
        if named:
            document.valid = False
            findings += named
            continue
        if valid(document.meta):
            found = check_dates_and_text(document, handbook.today)
            document.valid = not found
            findings += found
            continue
        validator = validator or explainer(schema, _FORMATS)
        try:
            problems = sorted(validator.iter_errors(document.meta), key=lambda p: [str(x) for x in p.absolute_path])
        except RecursionError:
            document.valid = False
            findings.append(error("front-matter", document.path, "the front matter is nested too deeply to check",
                                  "write each field as in README, 'Adding or reviewing a document'", line=2))
            continue
        if not problems:  # the two validators disagree: trust the one that explains itself
            found = check_dates_and_text(document, handbook.today)
            document.valid = not found
            findings += found
            continue
        document.valid = False
        explained: dict[tuple[str | None, str], Finding] = {}
        for problem in problems:
            finding = _schema_finding(document, problem, schema)
            explained.setdefault((finding.field, finding.message), finding)
        findings += _one_finding_a_misspelling(list(explained.values()))
    return findings


def _one_finding_a_misspelling(found: list[Finding]) -> list[Finding]:
    """A field misspelt is one mistake: "unknown field 'last_reveiwed' - did you mean
    'last_reviewed'?" says it, with its line, so "missing field 'last_reviewed'" is left out."""
    def named(finding: Finding) -> tuple[str, str]:  # (the field's name, " in changes[1]" or "")
        name, _, where = finding.message.partition("'")[2].partition("'")
        return name, where

    suggested = {(f.fix.split("'")[1], named(f)[1]) for f in found if f.fix.startswith("did you mean '")}
    return [f for f in found if not (f.message.startswith("missing field '") and named(f) in suggested)]


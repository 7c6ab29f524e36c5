"""Findings: what a check reports, as data. Each view (build log, page banner, status
page, command line, tests) decides how to show them."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from handbook.sources.letters import CONTROLS


class Severity(StrEnum):
    ERROR = "error"      # fails the build
    WARNING = "warning"  # shown everywhere, never fails the build


# Every check's name: a closed set, so a finding's `check` cannot be misspelt (mypy checks it).
CheckName = Literal[
    "front-matter", "template", "future-date", "version-history", "approval", "duplicate-id",
    "unknown-regulation", "review-overdue", "review-due-soon", "required-regulation", "expected-regulation",
    "awaiting-approval", "section-map", "ofsted-notification", "home-placeholder", "registry-evidence",
    "law-to-verify", "change-discipline", "phone-number", "content-policy", "files", "home-documents", "website",
    "home-facts",
]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    path: str            # file the finding is about, relative to the repository root
    message: str         # what is wrong
    fix: str             # what to do about it
    check: CheckName     # the check that made it, for tools and tests
    field: str | None = None
    line: int | None = None
    homes: tuple[str, ...] = ()  # a provider's homes the finding is about (none in a single home's handbook)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        """One line, whatever a file name or a value in the message holds (line breaks and other
        control characters are shown escaped, so nothing can break or recolour the line)."""
        homes = f"[{', '.join(self.homes)}] " if self.homes else ""
        where = f", line {self.line}" if self.line else ""
        return f"{one_line(self.path)}{where}: {one_line(homes + self.message)} - {one_line(self.fix)}"

    def to_dict(self) -> dict:
        data: dict = {"severity": self.severity.value, "path": self.path, "message": self.message, "fix": self.fix,
                      "check": self.check, "field": self.field, "line": self.line}
        if self.homes:  # a single home's findings read as they always have
            data["homes"] = list(self.homes)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        """The finding `to_dict` gave; ValueError if `data` is not one."""
        fields = dict(data)
        fields["severity"] = Severity(fields.get("severity", ""))
        fields["homes"] = tuple(fields.get("homes", ()))
        texts = [fields.get(name) for name in ("path", "message", "fix", "check")]
        line = fields.get("line")
        if (set(fields) != {f.name for f in dataclasses.fields(cls)} or not all(isinstance(t, str) for t in texts)
                or not all(isinstance(home, str) for home in fields["homes"])
                or not (fields.get("field") is None or isinstance(fields["field"], str))
                or not (line is None or (isinstance(line, int) and not isinstance(line, bool)))):
            raise ValueError("not a finding")
        return cls(**fields)


_CONTROL = re.compile(f"[{CONTROLS}]")  # escaped, each as its Python escape (\r, \u202e)


def one_line(text: str) -> str:
    """`text` with every character that would end the line or control the terminal escaped."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), str(text))


def error(check: CheckName, path: str, message: str, fix: str, **where) -> Finding:
    return Finding(Severity.ERROR, path, message, fix, check=check, **where)


def warning(check: CheckName, path: str, message: str, fix: str, **where) -> Finding:
    return Finding(Severity.WARNING, path, message, fix, check=check, **where)


# Read after the others of their severity: a regulation with no document is often what a
# document's own error leaves behind (the document cannot count until it is fixed), so the
# error to fix comes first.
READ_LAST = frozenset({"required-regulation"})


def sort_key(finding: Finding):
    return (finding.severity is not Severity.ERROR, finding.check in READ_LAST, finding.path, finding.line or 0)


class WithFindings:
    """Something checked: its `findings`, and those that are errors and warnings."""
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

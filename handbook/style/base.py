"""What the house style engine shares: alert levels, its findings (printed as Vale prints
them), the error for a rule it cannot apply, and compiling a rule's pattern."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from handbook.sources.errors import HandbookError

CONFIG_NAME = ".vale.ini"

MASK = "\ue000"        # stands in for every character of an ignored token (macro, inline code)
LEVELS = {"suggestion": 0, "warning": 1, "error": 2}


class StyleConfigError(HandbookError):
    """The style configuration or a rule cannot be applied as written."""


@dataclass(frozen=True)
class StyleFinding:
    path: str        # relative to the repository root, with forward slashes
    line: int        # 1-based, in the file as written (front matter included)
    col: int         # 1-based, in characters
    rule: str        # Style.Rule, for example "Cura.Spelling"
    message: str
    level: str       # suggestion | warning | error

    @property
    def is_error(self) -> bool:
        return self.level == "error"


def format_vale(finding: StyleFinding) -> str:
    """One finding as `path:line:col rule message`, the way Vale lists them."""
    return f"{finding.path}:{finding.line}:{finding.col} {finding.rule} {finding.message}"


def compile_pattern(pattern: str, where: str, flags: int = 0) -> regex.Pattern:
    try:
        return regex.compile(pattern, flags | regex.MULTILINE)
    except regex.error as problem:
        raise StyleConfigError(f"{where}: the pattern {pattern!r} is not a valid regular expression: {problem}") \
            from None

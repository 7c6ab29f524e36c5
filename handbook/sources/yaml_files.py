"""Reading YAML written by people: front matter and the data files.

Dates and decimals stay as text (so "2026-02-30" becomes a clear finding, not a crash,
and version "1.10" is not read as the number 1.1). Syntax errors carry the line number.
"""

from __future__ import annotations

from pathlib import Path

import yaml


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


# libyaml's parser when PyYAML was built with it (it is, in the PyPI wheels): much faster
# for thousands of documents. The resolver below is Python either way.
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextDatesLoader(_Base):
    """SafeLoader that leaves timestamps and floats as strings."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, first_line: int = 1):
    """Parse YAML text; `first_line` is the file line the text starts on (for messages)."""
    try:
        return yaml.load(text, Loader=_TextDatesLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else None
        problem = exc.problem or exc.context or "not valid YAML"
        raise YamlProblem(f"the YAML is not valid ({problem})", line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"the YAML is not valid ({exc})") from None


def read_yaml_file(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlProblem("the file is missing") from None
    except UnicodeDecodeError:
        raise YamlProblem("the file is not UTF-8 text") from None
    return parse_yaml(text)

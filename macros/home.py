"""Facts about the home (data/home.yml), written once and used by documents through
macros such as {{ home.name }}. Unknown facts are placeholders that render visibly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jsonschema

from .errors import HandbookError
from .yaml_files import YamlProblem, read_yaml_file

HOME_FILE = "data/home.yml"
TAGS_FILE = "data/tags.yml"

REQUIRED_FACTS = ["name", "legal_form", "ofsted_urn", "address", "registered_provider",
                  "responsible_individual", "registered_manager", "capacity", "age_range",
                  "contacts", "roles"]


@dataclass(frozen=True)
class Placeholder:
    """A fact we do not know yet. It prints as a marked gap, never as a made-up value."""
    description: str

    def __str__(self) -> str:
        return f"[to confirm: {self.description}]"


class Facts(dict):
    """A mapping of facts whose values may be nested Facts or Placeholders. `where` is
    how a page reaches it, such as "home.contacts", for messages."""

    def __init__(self, values: dict, where: str):
        super().__init__(values)
        self.where = where


def _to_facts(value, trail: str, found: list):
    if isinstance(value, dict):
        if set(value) == {"to_confirm"}:
            found.append((trail, str(value["to_confirm"])))
            return Placeholder(str(value["to_confirm"]))
        return Facts({key: _to_facts(item, f"{trail}.{key}" if trail else key, found)
                      for key, item in value.items()}, "home." + trail if trail else "home")
    if isinstance(value, list):
        return [_to_facts(item, f"{trail}[{i}]", found) for i, item in enumerate(value)]
    return value


@dataclass
class Home:
    facts: Facts
    placeholders: list[tuple[str, str]]   # (where in home.yml, what is needed)

    @property
    def roles(self) -> list[str]:
        return list(self.facts["roles"])


def load_home(root: Path) -> Home:
    try:
        data = read_yaml_file(root / HOME_FILE)
    except YamlProblem as problem:
        where = f" (line {problem.line})" if problem.line else ""
        raise HandbookError(f"{HOME_FILE}: {problem.message}{where} - correct the file") from None
    if not isinstance(data, dict):
        raise HandbookError(f"{HOME_FILE}: expected 'fact: value' lines - see the comments at the top of the file")
    missing = [key for key in REQUIRED_FACTS if key not in data]
    if missing:
        raise HandbookError(f"{HOME_FILE}: missing fact(s) {', '.join(missing)} - add them; "
                            "write {to_confirm: \"what is needed\"} if a fact is not known yet")
    roles = data["roles"]
    if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
        raise HandbookError(f"{HOME_FILE}: roles must be a list of role names - list them one per line with '- '")
    found: list = []
    facts = _to_facts(data, "", found)
    return Home(facts, found)


def load_tags(root: Path) -> list[str]:
    try:
        data = read_yaml_file(root / TAGS_FILE)
    except YamlProblem as problem:
        raise HandbookError(f"{TAGS_FILE}: {problem.message} - correct the file") from None
    try:
        jsonschema.validate(data, {"type": "array", "items": {"type": "string"}, "uniqueItems": True})
    except jsonschema.ValidationError:
        raise HandbookError(f"{TAGS_FILE}: must be a list of different topic names - "
                            "write one topic per line with '- '") from None
    return data

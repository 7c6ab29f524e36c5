"""Facts about the home (data/home.yml), written once and used by documents through
macros such as {{ home.name }}. Unknown facts are placeholders that render visibly."""

from __future__ import annotations

import datetime as dt
import html
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema

from handbook.sources.errors import HandbookError
from handbook.sources.yaml_files import YamlProblem, parse_yaml, read_yaml_file

HOME_FILE = "data/home.yml"
TAGS_FILE = "data/tags.yml"

REQUIRED_FACTS = ["name", "legal_form", "ofsted_urn", "address", "registered_provider",
                  "responsible_individual", "registered_manager", "capacity", "age_range",
                  "contacts", "roles"]


# While a page is rendered, the placeholders it prints are collected here (see `printing`).
_printed: ContextVar[set | None] = ContextVar("printed_placeholders", default=None)


@dataclass(frozen=True)
class Placeholder:
    """A fact we do not know yet. It prints as a marked gap, never as a made-up value."""
    description: str
    where: str = ""   # its place in data/home.yml, such as "contacts.lado.phone"

    def __str__(self) -> str:
        printed = _printed.get()
        if printed is not None:
            printed.add(self.where)
        return f"[to confirm: {self.description}]"


class printing:
    """Context manager: `with printing() as printed:` collects the placeholders (their
    places in data/home.yml) that whatever is rendered inside the block prints."""

    def __enter__(self) -> set:
        self.printed: set = set()
        self._token = _printed.set(self.printed)
        return self.printed

    def __exit__(self, *exc) -> None:
        _printed.reset(self._token)


class Facts(dict):
    """A mapping of facts whose values may be nested Facts or Placeholders. `where` is
    how a page reaches it, such as "home.contacts", for messages."""

    def __init__(self, values: dict, where: str):
        super().__init__(values)
        self.where = where


class Phone(str):
    """A phone number from data/home.yml (any fact named `phone`). It prints as a link people
    can tap to call; every number on the site comes from one of these."""

    def __new__(cls, number: str) -> Phone:
        return super().__new__(cls, number)

    @property
    def number(self) -> str:
        return "".join(self)

    @property
    def dial(self) -> str:
        return "".join(c for c in self if c.isdigit() or c == "+")

    def __str__(self) -> str:
        return f'<a class="tel" href="tel:{self.dial}">{html.escape(self.number)}</a>'


def _to_facts(value, trail: str, found: list):
    if isinstance(value, str) and trail.rsplit(".", 1)[-1] == "phone":
        return Phone(value)
    if isinstance(value, dict):
        if set(value) == {"to_confirm"}:
            found.append((trail, str(value["to_confirm"])))
            return Placeholder(str(value["to_confirm"]), trail)
        return Facts({key: _to_facts(item, f"{trail}.{key}" if trail else key, found)
                      for key, item in value.items()}, "home." + trail if trail else "home")
    if isinstance(value, list):
        return [_to_facts(item, f"{trail}[{i}]", found) for i, item in enumerate(value)]
    return value


STAGES = ("applying", "registered")


@dataclass(frozen=True)
class Registration:
    """Where the home stands with Ofsted. While it is applying, documents nobody has
    approved yet are honestly drafts; once registered, the law needs approved ones."""
    stage: str                        # "applying" or "registered"
    applied_on: dt.date | None = None
    registered_on: dt.date | None = None

    @property
    def registered(self) -> bool:
        return self.stage == "registered"

    def describe(self) -> str:
        if self.registered:
            return "registered with Ofsted"
        return "applying for registration with Ofsted"


@dataclass
class Home:
    facts: Facts
    placeholders: list[tuple[str, str]]   # (where in home.yml, what is needed)
    registration: Registration = Registration("applying")
    source: str = HOME_FILE    # the file the facts are written in (homes/<id>/home.yml for a provider's home)
    # A provider's home: the facts to confirm written in another file (data/provider.yml): place -> file
    written_in: dict[str, str] = field(default_factory=dict)

    @property
    def roles(self) -> list[str]:
        return list(self.facts["roles"])

    def file_of(self, where: str) -> str:
        """The file a fact (by its place, such as "contacts.lado.phone") is written in."""
        return self.written_in.get(where, self.source)

    def placeholder_description(self, where: str) -> str:
        return dict(self.placeholders).get(where, "")


def load_home(root: Path) -> Home:
    try:
        data = read_yaml_file(root / HOME_FILE)
    except YamlProblem as problem:
        where = f" (line {problem.line})" if problem.line else ""
        raise HandbookError(f"{HOME_FILE}: {problem.message}{where} - correct the file") from None
    return home_from_data(data)


def home_from_text(text: str) -> Home:
    """The home's facts from the text of a data/home.yml (for example as it is on another
    branch). Raises HandbookError, as load_home does, if they cannot be used."""
    try:
        data = parse_yaml(text)
    except YamlProblem as problem:
        where = f" (line {problem.line})" if problem.line else ""
        raise HandbookError(f"{HOME_FILE}: {problem.message}{where} - correct the file") from None
    return home_from_data(data)


def home_from_data(data, source: str = HOME_FILE) -> Home:
    if not isinstance(data, dict):
        raise HandbookError(f"{source}: expected 'fact: value' lines - see the comments at the top of the file")
    missing = [key for key in REQUIRED_FACTS if key not in data]
    if missing:
        raise HandbookError(f"{source}: missing fact(s) {', '.join(missing)} - add them; "
                            "write {to_confirm: \"what is needed\"} if a fact is not known yet")
    roles = data["roles"]
    if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
        raise HandbookError(f"{source}: roles must be a list of role names - list them one per line with '- '")
    found: list = []
    facts = _to_facts(data, "", found)
    return Home(facts, found, _registration(data, facts, source), source)


def _registration(data: dict, facts: Facts, source: str = HOME_FILE) -> Registration:
    raw = data.get("registration", {"stage": "applying"})
    fix = ("write registration: with stage: applying (and applied_on: YYYY-MM-DD once the application "
           "is sent) or stage: registered with registered_on: YYYY-MM-DD and the real ofsted_urn")
    if not isinstance(raw, dict) or raw.get("stage") not in STAGES:
        raise HandbookError(f"{source}: registration: the stage must be applying or registered - {fix}")
    unknown = sorted(set(raw) - {"stage", "applied_on", "registered_on"})
    if unknown:
        raise HandbookError(f"{source}: registration: unknown field '{unknown[0]}' - {fix}")
    dates: dict[str, dt.date | None] = {}
    for name in ("applied_on", "registered_on"):
        value = raw.get(name)
        if value is None or (isinstance(value, dict) and set(value) == {"to_confirm"}):
            dates[name] = None
            continue
        try:
            dates[name] = dt.date.fromisoformat(str(value))
        except ValueError:
            raise HandbookError(f"{source}: registration: {name} '{value}' is not a date - "
                                "write it as YYYY-MM-DD") from None
    if raw["stage"] == "registered":
        if dates["registered_on"] is None:
            raise HandbookError(f"{source}: registration: a registered home needs registered_on - "
                                "write the date on the registration certificate as YYYY-MM-DD")
        if isinstance(facts.get("ofsted_urn"), Placeholder):
            raise HandbookError(f"{source}: registration: the home is registered but ofsted_urn is still to "
                                "confirm - write the URN from the registration certificate")
    return Registration(raw["stage"], dates["applied_on"], dates["registered_on"])


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

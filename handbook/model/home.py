"""Facts about the home (data/home.yml), written once and used by documents through
macros such as {{ home.name }}. Unknown facts are placeholders that render visibly."""

from __future__ import annotations

import datetime as dt
import html
import re
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from handbook.sources.errors import HandbookError
from handbook.sources.letters import one_letter_away
from handbook.sources.schemas import validity
from handbook.sources.yaml_files import YamlProblem, data_file_problem, line_of, parse_yaml, read_yaml_file

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


def note_printed(places: set) -> None:
    """Count `places` (placeholders printed by an earlier render of the same text) as printed
    by whatever is being rendered now, inside `printing()`."""
    printed = _printed.get()
    if printed is not None:
        printed |= places


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
        """The number a phone dials: its digits and +, without the "(0)" written after a country
        code (+44 (0)20 7946 0000 is dialled +442079460000)."""
        return "".join(c for c in self.replace("(0)", "") if c in "0123456789+")

    def __str__(self) -> str:
        return f'<a class="tel" href="tel:{self.dial}">{html.escape(self.number)}</a>'


def _phones(value, where: str = "home"):
    """(the fact as a page writes it, "home.contacts.childline.phone"; the Phone) for each phone
    fact in `value` (the home's facts, or a part of them), in the file's order."""
    if isinstance(value, Phone):
        yield where, value
        return
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _phones(item, f"{where}.{key}" if isinstance(key, str) else f"{where}[{key}]")


def phone_facts(value) -> dict[str, str]:
    """The number each phone fact in `value` dials -> the fact as a page writes it, the first where
    two dial the same."""
    found: dict[str, str] = {}
    for place, phone in _phones(value):
        found.setdefault(phone.dial, place)
    return found


def phone_links(value) -> frozenset[str]:
    """The link to call (its HTML, words and all) each phone fact in `value` prints."""
    return frozenset(str(phone) for _, phone in _phones(value))


NOT_PUBLISHED = "not published on this website"


@dataclass(frozen=True)
class NotPublished:
    """A fact the home keeps off its public website (written `{value: ..., website: false}` in
    data/home.yml). In the public edition it stands in for the fact and holds no trace of it:
    no page can reach the value, however its template is written."""
    where: str

    def __str__(self) -> str:
        return NOT_PUBLISHED


class FactProblem(HandbookError):
    """A fact written so that a page would print something nobody gave: its place, and the message."""

    def __init__(self, place: str, message: str, source: str = HOME_FILE):
        self.place, self.detail = place, message
        super().__init__(f"{source}: {message}")


TO_CONFIRM_FIX = "write the fact, or {to_confirm: \"what is needed\"} while it is not known"
# Words that say a fact is not known yet: printed, they would pass for the fact itself (and the
# inspector copy, which refuses a fact still to confirm, would print them).
# A fourth attacker's review: "T.B.C.", "TBA.", "N/A", "Pending", "Vacant", "not yet appointed" and a
# URN of "SC??????" passed, and would print on the PDF's cover as facts.
NOT_KNOWN = re.compile(r"(?:t\.?\s?b\.?\s?[cad]|to be \w+|unknown|not (?:yet )?\w+|n/?a|pending|vacant|awaiting"
                       r"(?: \w+)*|to follow|xx+|\?+|-+|\.+)[.!]*", re.IGNORECASE)
_NOT_KNOWN_INSIDE = re.compile(r"\?\?|xxx", re.IGNORECASE)  # SC??????, SCxxxxxx: a gap written into the fact


def _refuse_unknowns(value, trail: str) -> None:
    """A fact that is empty, says it is not known in words, or misspells to_confirm, is refused:
    each would print as if it were the fact (\"The Responsible Individual, None\")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FactProblem(trail, f"{trail} is empty - {TO_CONFIRM_FIX}")
    if isinstance(value, str) and (NOT_KNOWN.fullmatch(value.strip()) or _NOT_KNOWN_INSIDE.search(value)):
        raise FactProblem(trail, f"{trail}: {value.strip()!r} says the fact is not known yet, but a page would print it "
                                  f"as the fact - write {{to_confirm: \"what is needed\"}} instead, so it shows as a gap "
                                  "and is counted until it is confirmed")
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if key != "to_confirm" and re.sub(r"[^a-z]", "", str(key).casefold()) in _NEAR_TO_CONFIRM:
            raise FactProblem(trail, f"{trail}: {key} is not a field the handbook reads - write to_confirm "
                                      "(a fact not known yet is written {to_confirm: \"what is needed\"})")
    if trail.rsplit(".", 1)[-1] == "phone" and isinstance(value, (int, float)):
        raise FactProblem(trail, f"{trail}: {value!r} is read as a number, not as the phone number written - put it in "
                                  "quotes, for example phone: \"0800 1111\"")
    if trail.rsplit(".", 1)[-1] == "phone" and isinstance(value, str) and (odd := _not_dialled(value)):
        raise FactProblem(trail, f"{trail}: {value!r} holds {odd}, which a phone does not dial: the page would show the "
                                  "number as written while tapping it dials another - write it in digits (0, not the "
                                  "letter O), with spaces, and + ( ) - where needed")


def _not_dialled(number: str) -> str:
    """The characters of a phone number, other than its digits and the marks people write in one
    (spaces, + ( ) -), each quoted; "" if there are none. Only digits and + go into the link."""
    odd = sorted({c for c in number if not (c in "0123456789+()-" or c.isspace())})
    return ", ".join(repr(c) for c in odd)


_NEAR_TO_CONFIRM = one_letter_away("toconfirm") | {"confirm", "toconfirmed", "tobeconfirmed", "tbc"}


def website_form(value, trail: str):
    """For a fact written `{value: ..., website: false}` or `{to_confirm: ..., website: false}`,
    what it holds (the value, or the {to_confirm} placeholder); None for any other fact. A
    `website` field written any other way is refused, naming the fact."""
    if not isinstance(value, dict):
        return None
    named_website = [key for key in value if str(key).casefold() == "website"]
    if not named_website:
        return None
    rest = set(value) - {"website"}
    if rest not in ({"value"}, {"to_confirm"}):
        if {"value", "to_confirm"} & set(value) or named_website != ["website"]:
            # meant as a fact kept off the website, but written so that it would be published
            raise FactProblem(trail, f"{trail}: a fact kept off the website is written exactly "
                                     "{value: \"...\", website: false} (or {to_confirm: \"...\", website: false}), "
                                     f"with no other field; this one has {', '.join(sorted(map(str, value)))}")
        return None  # an ordinary group of facts, one of which is named website
    if value["website"] is not False:
        raise FactProblem(trail, f"{trail}: website: {value['website']!r} - a fact kept off the website is "
                                 "written {value: \"...\", website: false}; to publish it, write the value alone")
    return value["value"] if rest == {"value"} else {"to_confirm": value["to_confirm"]}


def _to_facts(value, trail: str, found: list, withheld: dict | None = None, public: bool = False):
    _refuse_unknowns(value, trail)
    kept = website_form(value, trail)
    if kept is not None:
        if withheld is not None:
            withheld[trail] = kept
        if public:
            return NotPublished(trail)
        value = kept
        _refuse_unknowns(value, trail)
    if isinstance(value, str) and trail.rsplit(".", 1)[-1] == "phone":
        return Phone(value)
    if isinstance(value, dict):
        if set(value) == {"to_confirm"}:
            found.append((trail, str(value["to_confirm"])))
            return Placeholder(str(value["to_confirm"]), trail)
        return Facts({key: _to_facts(item, f"{trail}.{key}" if trail else key, found, withheld, public)
                      for key, item in value.items()}, "home." + trail if trail else "home")
    if isinstance(value, list):
        return [_to_facts(item, f"{trail}[{i}]", found, withheld, public) for i, item in enumerate(value)]
    return value


def _texts(value) -> list[str]:
    """The words a withheld fact would print: each piece of text or number it holds."""
    if isinstance(value, dict):
        if set(value) == {"to_confirm"}:
            return []
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return [] if value is None or isinstance(value, bool) else [str(value)]


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
    data: dict | None = None              # data/home.yml as read, for the public edition's facts
    withheld: dict = field(default_factory=dict)  # place -> the value of a fact kept off the website

    def for_website(self) -> Home:
        """The facts the public edition may print: each fact kept off the website is replaced
        by a stand-in that holds nothing of it (NotPublished)."""
        if self.data is None:
            return self
        return replace(self, facts=_to_facts(self.data, "", [], None, public=True))

    def withheld_texts(self) -> dict[str, str]:
        """text -> its place in data/home.yml, for every known fact kept off the website: what
        the public edition must never contain, whatever route a page takes to print it."""
        places: dict[str, list[str]] = {}
        for where, value in self.withheld.items():
            for text in _texts(value):
                if text.strip() and where not in places.setdefault(text, []):
                    places[text].append(where)
        return {text: " and ".join(where) for text, where in places.items()}
    source: str = HOME_FILE    # the file the facts are written in (homes/<id>/home.yml for a provider's home)
    # A provider's home: the facts to confirm written in another file (data/provider.yml): place -> file
    written_in: dict[str, str] = field(default_factory=dict)

    @property
    def roles(self) -> list[str]:
        return list(self.facts["roles"])

    @cached_property
    def phone_links(self) -> frozenset[str]:
        """phone_links of the home's facts: the only links to call a page may hold."""
        return phone_links(self.facts)

    @cached_property
    def phones(self) -> dict[str, str]:
        """phone_facts of the home's facts, worked out once: every link to call on every page asks."""
        return phone_facts(self.facts)

    def file_of(self, where: str) -> str:
        """The file a fact (by its place, such as "contacts.lado.phone") is written in."""
        return self.written_in.get(where, self.source)

    def placeholder_description(self, where: str) -> str:
        return dict(self.placeholders).get(where, "")


def load_home(root: Path) -> Home:
    try:
        data = read_yaml_file(root / HOME_FILE)
    except YamlProblem as problem:
        raise HandbookError(data_file_problem(HOME_FILE, problem)) from None
    return _with_line(data, (root / HOME_FILE).read_text(encoding="utf-8"))


def _with_line(data, text: str) -> Home:
    """home_from_data, with the line of a fact written wrongly in the message."""
    try:
        return home_from_data(data)
    except FactProblem as problem:
        line = line_of(text, problem.place)
        raise HandbookError(f"{HOME_FILE}, line {line}: {problem.detail}" if line else str(problem)) from None


def home_from_text(text: str) -> Home:
    """The home's facts from the text of a data/home.yml (for example as it is on another
    branch). Raises HandbookError, as load_home does, if they cannot be used."""
    try:
        data = parse_yaml(text)
    except YamlProblem as problem:
        raise HandbookError(data_file_problem(HOME_FILE, problem)) from None
    return _with_line(data, text)


ROLE_NAME = re.compile(r"[A-Za-z][A-Za-z '’-]{0,59}")


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
    # A role is printed wherever a document names its owner or approver (pages, the PDF, the
    # reviewer's summary): plain words only, so it can never carry markup or a line break.
    if odd := next((r for r in roles if not ROLE_NAME.fullmatch(r)), None):
        raise HandbookError(f"{source}: the role {odd!r} is not plain words - write a role as letters, spaces, "
                            "hyphens and apostrophes (up to 60 characters), such as Registered Manager")
    found: list = []
    withheld: dict = {}
    try:
        facts = _to_facts(data, "", found, withheld)
    except FactProblem as problem:
        raise FactProblem(problem.place, problem.detail, source) from None
    return Home(facts, found, _registration(data, facts, source), data=data, withheld=withheld, source=source)


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
        try:  # YYYY-MM-DD alone: Python also reads a week's date ("2026-W40-4"), which the review prints as written
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
                raise ValueError
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
        raise HandbookError(data_file_problem(TAGS_FILE, problem)) from None
    if not validity({"type": "array", "items": {"type": "string"}, "uniqueItems": True})(data):
        raise HandbookError(f"{TAGS_FILE}: must be a list of different topic names - "
                            "write one topic per line with '- '")
    return data

"""The regulation registry: the law the handbook answers to, read from data/regulations.yml."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from handbook.sources.errors import HandbookError
from handbook.sources.schemas import explainer, validity
from handbook.sources.yaml_files import YamlProblem, data_file_problem, line_at, read_yaml_file

REGISTRY_FILE = "data/regulations.yml"

LEVELS = ("required", "expected", "none")

# The registry's text goes into every page that cites the law, inside Markdown links: an address
# is a legislation.gov.uk page written in characters that mean nothing to Markdown or HTML, and a
# reference is a regulation's number with its paragraphs ("34(4)", "7(2)(b)(ii)").
URL = {"type": "string", "pattern": "^https://www\\.legislation\\.gov\\.uk/[A-Za-z0-9/._~-]*$", "maxLength": 300,
       "hint": "write the provision's address on legislation.gov.uk, such as "
               "https://www.legislation.gov.uk/uksi/2015/541/regulation/34 (letters, numbers, / . _ ~ and - only)"}
REF = {"type": "string", "pattern": "^[0-9]{1,3}[A-Z]?( ?\\([0-9A-Za-z]{1,6}\\))*$", "maxLength": 40,
       "hint": "write the regulation's number with its paragraphs in brackets, such as 34(4) or 7(2)(b)(ii)"}

_SCHEMA = {
    "type": "object",
    "required": ["instruments"],
    "properties": {
        "instruments": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^[a-z0-9]+$"},
            "additionalProperties": {
                "type": "object",
                "required": ["title", "url", "regulations"],
                "properties": {
                    "title": {"type": "string"},
                    "citation": {"type": "string"},
                    "url": URL,
                    "default": {"type": "boolean"},
                    "regulations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ref", "title", "url", "document"],
                            "properties": {
                                "ref": REF,
                                "title": {"type": "string"},
                                "url": URL,
                                "document": {"enum": list(LEVELS)},
                                "kind": {"type": "string"},
                                "needs": {"type": "string"},
                                "quote": {"type": "string"},
                                "notice_days": {"type": "integer", "minimum": 1},
                                "to_verify": {"type": "string"},
                            },
                        },
                    },
                    "schedule_1": {
                        "type": "array",
                        "items": {"type": "object", "required": ["matter", "text"],
                                  "properties": {"matter": {"type": "integer"}, "to_verify": {"type": "string"}}},
                    },
                    "childrens_guide": {
                        "type": "array",
                        "items": {"type": "object", "required": ["id", "text"], "properties": {"id": {
                            "type": "string", "pattern": "^[a-z0-9_]{1,40}$",
                            "hint": "write the item's id in lower-case letters, numbers and _, such as complain"}}},
                    },
                },
            },
        }
    },
}


@dataclass(frozen=True)
class Regulation:
    instrument: str
    ref: str
    title: str
    url: str
    document: str
    kind: str | None = None
    needs: str = ""
    quote: str = ""       # the provision's own words naming the document (required entries)
    to_verify: str = ""   # what has not been checked against the source yet
    notice_days: int | None = None  # a notice period the provision sets, such as 16(3)'s 28 days

    @property
    def key(self) -> str:
        return f"{self.instrument}:{self.ref}"

    @property
    def anchor(self) -> str:
        """A stable HTML id for this entry on the regulation map."""
        return "reg-" + self.key.replace(":", "-").replace("(", "-").replace(")", "").lower()

    @property
    def label(self) -> str:
        return f"Regulation {self.ref}"


@dataclass(frozen=True)
class Matter:
    number: int
    group: str
    text: str
    to_verify: str = ""   # what of its wording has not been checked against the Schedule yet


@dataclass(frozen=True)
class GuideItem:
    id: str
    text: str
    source: str = ""

    @property
    def in_law(self) -> bool:
        """Whether the regulations ask for it (its source cites a regulation: "reg 2, definition of
        ..."), or the home adds it as good practice."""
        return self.source.startswith("reg ")


@dataclass
class Instrument:
    id: str
    title: str
    url: str
    citation: str = ""
    default: bool = False
    regulations: list[Regulation] = field(default_factory=list)
    schedule_1: list[Matter] = field(default_factory=list)
    childrens_guide: list[GuideItem] = field(default_factory=list)


@dataclass
class Registry:
    instruments: dict[str, Instrument]

    @property
    def default_instrument(self) -> Instrument:
        for instrument in self.instruments.values():
            if instrument.default:
                return instrument
        return next(iter(self.instruments.values()))

    @property
    def regulations(self) -> list[Regulation]:
        return [reg for inst in self.instruments.values() for reg in inst.regulations]

    def resolve(self, citation: str) -> Regulation | None:
        """Find the entry a document cites: "34(1)" means the default instrument,
        "chr2015:34(1)" names the instrument."""
        instrument_id, _, ref = str(citation).strip().rpartition(":")
        instrument = self.instruments.get(instrument_id) if instrument_id else self.default_instrument
        if instrument is None:
            return None
        ref = ref.replace(" ", "")
        return next((reg for reg in instrument.regulations if reg.ref == ref), None)

    def statement_of_purpose_notice_days(self) -> int:
        """How many days HMCI has to be told of a revised Statement of Purpose (reg 16(3))."""
        for regulation in self.regulations:
            if regulation.kind == "statement-of-purpose" and regulation.notice_days:
                return regulation.notice_days
        raise HandbookError(f"{REGISTRY_FILE}: the Statement of Purpose's regulation has no notice_days - add "
                            "notice_days: 28 to the entry for regulation 16, as 16(3) says")

    def similar(self, citation: str) -> list[str]:
        """Known references starting with the same number, to suggest in a message."""
        head = str(citation).split("(")[0].rpartition(":")[2].strip()
        return [reg.ref for reg in self.default_instrument.regulations if reg.ref.split("(")[0] == head]


# Which front-matter field maps which legal list to sections, and for which kind of document:
# field -> (kind, what one item is called, whose sections).
SECTION_MAPS = {
    "schedule_1": ("statement-of-purpose", "Schedule 1 matter", "the Statement of Purpose"),
    "guide_items": ("childrens-guide", "children's guide item", "the children's guide"),
}


def legal_items(registry: Registry, field: str) -> list[tuple[str, str]]:
    """(key, what the law asks) for each item a section map must cover."""
    instrument = registry.default_instrument
    if field == "schedule_1":
        return [(str(m.number), m.text) for m in instrument.schedule_1]
    return [(g.id, g.text) for g in instrument.childrens_guide]


def section_map(meta: dict, field: str) -> dict[str, str]:
    """A document's section map with its keys as text (YAML reads matter numbers as numbers)."""
    return {str(key): value for key, value in (meta.get(field) or {}).items()}


# Registries already loaded, by the text of their file: a provider's handbook loads one per home.
_loaded: dict[str, Registry] = {}


def load_registry(root: Path) -> Registry:
    try:
        text: str | None = (root / REGISTRY_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None  # _load_registry says what is wrong
    if text is not None and text in _loaded:
        return _loaded[text]
    registry = _load_registry(root)
    if text is not None:
        if len(_loaded) >= 8:
            _loaded.clear()
        _loaded[text] = registry
    return registry


def _load_registry(root: Path) -> Registry:
    path = root / REGISTRY_FILE
    try:
        data = read_yaml_file(path)
    except YamlProblem as problem:
        raise HandbookError(data_file_problem(REGISTRY_FILE, problem)) from None
    errors = [] if validity(_SCHEMA)(data) else sorted(explainer(_SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        place = "/".join(str(part) for part in first.absolute_path) or "top level"
        hint = first.schema.get("hint") if isinstance(first.schema, dict) else None
        if hint:  # an address or a reference written so that it could become markup
            line = line_at(path.read_text(encoding="utf-8"), list(first.absolute_path))
            value = first.instance if not isinstance(first.instance, str) or len(first.instance) <= 60 \
                else first.instance[:57] + "..."
            raise HandbookError(f"{REGISTRY_FILE}{f', line {line}' if line else ''}: {place}: {value!r} is not "
                                f"allowed - {hint}")
        raise HandbookError(f"{REGISTRY_FILE}: {place}: {first.message} - correct this entry; "
                            "every regulation needs ref, title, url and document (required, expected or none)")
    instruments = {}
    for instrument_id, raw in data["instruments"].items():
        regulations = [
            Regulation(instrument_id, str(item["ref"]).replace(" ", ""), item["title"], item["url"],
                       item["document"], item.get("kind"), " ".join(str(item.get("needs", "")).split()),
                       " ".join(str(item.get("quote", "")).split()), " ".join(str(item.get("to_verify", "")).split()),
                       item.get("notice_days"))
            for item in raw["regulations"]
        ]
        # Each entry once: pages print every copy, while the checks and the reviewer's summary read
        # them by their reference, number or id, and see one (a fifth attacker's review).
        for kind, keys in (("regulation", [reg.ref for reg in regulations]),
                           ("Schedule 1 matter", [str(m["matter"]) for m in raw.get("schedule_1", [])]),
                           ("children's guide item", [str(g["id"]) for g in raw.get("childrens_guide", [])])):
            twice = next((key for key, count in Counter(keys).items() if count > 1), None)
            if twice is not None:
                raise HandbookError(f"{REGISTRY_FILE}: {instrument_id} {kind} {twice} is listed twice - keep one "
                                    "entry for it")
        instruments[instrument_id] = Instrument(
            id=instrument_id, title=raw["title"], url=raw["url"], citation=raw.get("citation", ""),
            default=bool(raw.get("default")), regulations=regulations,
            schedule_1=[Matter(int(m["matter"]), m.get("group", ""), " ".join(str(m["text"]).split()),
                               " ".join(str(m.get("to_verify", "")).split()))
                        for m in raw.get("schedule_1", [])],
            childrens_guide=[GuideItem(str(g["id"]), " ".join(str(g["text"]).split()), g.get("source", ""))
                             for g in raw.get("childrens_guide", [])],
        )
    return Registry(instruments)

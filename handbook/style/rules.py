"""The rule types the house style uses (existence, substitution, occurrence, conditional,
capitalization, readability, spelling), each with Vale's documented meaning for the keys it
accepts; any other type or key is refused."""

from __future__ import annotations

import functools
import re as stdlib_re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import regex
import yaml

from handbook.style.base import LEVELS, MASK, StyleConfigError, compile_pattern
from handbook.style.markdown import Block, ParsedDocument
from handbook.style.readability import flesch_kincaid_grade


def _read_terms(path: Path) -> list[str]:
    if not path.is_file():
        return []
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            terms.append(line)
    return terms


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
    return compile_pattern(r"\b(?:" + body + r")\b", where, regex.IGNORECASE if ignorecase else 0)


def _phrases(terms: list[str], where: str) -> regex.Pattern | None:
    """Vale's `buildPhraseRe`: the multi-word terms, case-insensitive, so that a match inside
    an accepted phrase (one word of "Help at Hand", say) is not reported."""
    phrases = [t[4:] if t.startswith("(?i)") else t for t in terms if " " in t or "\t" in t or r"\s" in t]
    if not phrases:
        return None
    return compile_pattern(r"\b(?:" + "|".join(phrases) + r")\b", where, regex.IGNORECASE)


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

    KEYS: ClassVar[frozenset[str]] = frozenset()
    DEFAULT_SCOPE: ClassVar[str] = "text"

    @classmethod
    def allowed_scopes(cls) -> set[str]:
        return _text_scopes()

    def configure(self, spec: dict, vocab: list[str], where: str, root: Path, styles_path: Path) -> None:
        """Read the rule's own keys from its YAML; each type implements it."""
        raise NotImplementedError

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
            f"{where}: the rule type 'extends: {kind}' is not implemented by handbook/style "
            f"(it implements {', '.join(sorted(RULE_TYPES))}), so the tests cannot apply this rule; "
            "implement the type in handbook/style or write the rule with one of these types")
    unknown = set(spec) - COMMON_KEYS - rule_class.KEYS
    if unknown:
        raise StyleConfigError(
            f"{where}: the key(s) {', '.join(sorted(unknown))} are not implemented by handbook/style for "
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
            raise StyleConfigError(f"{where}: the scope '{scope}' is not implemented by handbook/style for "
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
    KEYS = frozenset({"tokens", "ignorecase", "exceptions"})

    @classmethod
    def allowed_scopes(cls):
        return _text_scopes()

    def configure(self, spec, vocab, where, root, styles_path):
        tokens = [t for t in _strings(spec, "tokens", where) if t.strip()]
        if not tokens:
            raise StyleConfigError(f"{where}: an existence rule needs 'tokens'")
        body = r"\b(?:" + "|".join(tokens) + r")\b"
        self.pattern = compile_pattern(body, where, regex.IGNORECASE if spec.get("ignorecase", False) else 0)
        terms = _strings(spec, "exceptions", where) + vocab
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
    KEYS = frozenset({"swap", "ignorecase"})

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
        body = r"\b(?:" + "|".join(groups) + r")\b"
        self.pattern = compile_pattern(body, where, regex.IGNORECASE if self.ignorecase else 0)
        self.exceptions = _exceptions(vocab, where)

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
    KEYS = frozenset({"token", "max"})

    @classmethod
    def allowed_scopes(cls):
        return _text_scopes()

    def configure(self, spec, vocab, where, root, styles_path):
        if "token" not in spec:
            raise StyleConfigError(f"{where}: an occurrence rule needs 'token'")
        self.pattern = compile_pattern("(?:" + str(spec["token"]) + ")", where)
        self.max = int(spec.get("max", 0))
        if not self.max:
            raise StyleConfigError(f"{where}: an occurrence rule needs 'max'")

    def check_block(self, block):
        matches = list(self.pattern.finditer(block.text))
        count = len(matches)
        if count > self.max:
            # Like Vale, report at the first match that is not code (or at the block if none).
            first = next((m.start() for m in matches if m.group(0).strip() and MASK not in m.group(0)), 0)
            return [(first, _format(self.message, count))]
        return []


class Conditional(Rule):
    """If `first` matches, `second` must have matched before it in the document (or in the same
    block): Vale collects what `second` captures, block by block in document order."""
    KEYS = frozenset({"first", "second", "exceptions"})

    @classmethod
    def allowed_scopes(cls):
        return _text_scopes() - {"sentence"}

    def configure(self, spec, vocab, where, root, styles_path):
        for key in ("first", "second"):
            if key not in spec:
                raise StyleConfigError(f"{where}: a conditional rule needs '{key}'")
        self.first = compile_pattern(str(spec["first"]), where)
        self.second = compile_pattern(str(spec["second"]), where)
        self.second_captures = _has_capture_group(str(spec["second"]))
        terms = _strings(spec, "exceptions", where) + vocab
        self.exceptions = _exceptions(terms, where)
        self.phrases = _phrases(terms, where)

    def check_document(self, document):
        alerts: list[tuple[int, str]] = []
        defined: set[str] = set()
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
    KEYS = frozenset({"match", "exceptions", "threshold"})
    WORD = r"[\p{N}\p{L}*]+[^\s]*"

    @classmethod
    def allowed_scopes(cls):
        return _text_scopes() - {"sentence"}

    def configure(self, spec, vocab, where, root, styles_path):
        self.match = str(spec.get("match", ""))
        self.threshold = float(spec.get("threshold", 0) or 0.8)
        self.terms = _strings(spec, "exceptions", where) + vocab
        self.exceptions = _exceptions(self.terms, where)
        if self.match == "$title":
            raise StyleConfigError(f"{where}: 'match: $title' is not implemented by handbook/style "
                                   "(it implements $sentence, $lower, $upper and patterns)")
        if self.match not in ("$sentence", "$lower", "$upper"):
            self.custom = compile_pattern(self.match, where)
        ordered = sorted(self.terms, key=len, reverse=True)
        terms_body = "|".join(_scoped(t) for t in ordered)
        self.observed_tokens = compile_pattern((r"\b(?:" + terms_body + r")\b|" if ordered else "") + self.WORD, where)
        converter_body = "|".join(t[4:] if t.startswith("(?i)") else t for t in ordered)
        self.converter_tokens = compile_pattern((r"\b(?:" + converter_body + r")\b|" if ordered else "") + self.WORD,
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

    @staticmethod
    def _indicator(previous: str, index: int) -> bool:
        """A word after a leading number ("1. Who we are") starts the sentence again."""
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
                                   "handbook/style (it implements Flesch-Kincaid)")
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
    KEYS = frozenset({"dicpath", "dictionaries"})

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
        self.filters = list(self.DEFAULT_FILTERS)
        terms = []
        for term in vocab:
            terms.append(term if term.startswith(r"\b") or term.endswith(r"\b") else r"\b" + term + r"\b")
        self.exceptions = compile_pattern("|".join(t[4:] if t.startswith("(?i)") else t for t in terms), where,
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
        return any(_lookup(_dictionary(stem), word) for stem in self.stems)

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

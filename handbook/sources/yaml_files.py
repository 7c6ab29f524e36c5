"""Reading YAML written by people: front matter and the data files.

Dates and decimals stay as text (version "1.10" is not read as the number 1.1). Syntax errors
carry the line number.

MkDocs reads a page's front matter again, with PyYAML's SafeLoader, and when that fails it
publishes the whole front matter as the page's text. So what SafeLoader cannot read is refused
here too: an unquoted value that looks like a date or a time but is not a real one
(`2026-02-30`, `2026-01-01 25:00:00`), found as each value is resolved (no second parse).

Strict where YAML is lenient: a key given twice is an error naming both lines (YAML would
quietly keep the last one while a reader sees the first), and anchors, aliases and merge
keys are refused (they let a few lines expand into gigabytes, and nobody needs them to write
a policy). A UTF-8 byte-order mark at the start of a file is accepted and ignored.
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import yaml

BOM = "\ufeff"


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None = None, fix: str | None = None, syntax: bool = False):
        super().__init__(message)
        self.message = message
        self.line = line
        self.fix = fix  # what to do about it, when the reader can be told
        self.syntax = syntax  # the text is not YAML at all (not: YAML the handbook does not accept)


# What to do about text that is not YAML, in a data file or a document's front matter.
SYNTAX_FIX = ("correct the YAML on that line or just above it: an unclosed quote or bracket, a missing colon or "
              "wrong indentation")
# What libyaml says of a second ": " in a line, most often a value that holds one (summary: Change: ...).
_COLON_IN_VALUE = "mapping values are not allowed"
COLON_FIX = ('put the value on that line in double quotes: a colon and a space inside a value read as the start '
             'of another field (summary: "Change: what changed and why")')


# libyaml's parser when PyYAML was built with it (it is, in the PyPI wheels): much faster
# for thousands of documents. The constructor below is Python either way.
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DUPLICATE_FIX = "keep only one of them: a reader sees the first, but the build would use the last"
ALIAS_FIX = "write the value out in full where it is needed (the handbook does not accept & anchors or * aliases)"


class _Refused(yaml.MarkedYAMLError):
    """A problem found while building the data, with what to do about it."""

    def __init__(self, problem: str, mark, fix: str):
        super().__init__(problem=problem, problem_mark=mark)
        self.fix = fix


_tags: dict[tuple, str] = {}
TAGS_KEPT = 16384

# An unquoted value SafeLoader's timestamp resolver takes for a date or a time, but cannot build
# (`2026-02-30`): MkDocs' own reading of the front matter fails on it. Marked with this tag as it
# is resolved, and refused, with its field, by _refuse_tags.
NOT_A_DATE = "tag:handbook,2026:not-a-real-date"
NOT_A_DATE_FIX = "write a real date as YYYY-MM-DD (or, if it is not meant to be a date, put it in quotes)"
# An unquoted whole number YAML reads other than as written: 01234567 is octal (342391), 0x1F
# hexadecimal, 1_000 is 1000, 10:30 is base 60 (630). A phone number written so would print as
# another number. Marked with this tag as it is resolved, and refused by _refuse_tags.
NOT_AS_WRITTEN = "tag:handbook,2026:number-not-as-written"
NOT_AS_WRITTEN_FIX = "put it in quotes to keep it as written, or write the number in plain digits"
_PLAIN_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_TIMESTAMP_PATTERNS = {first: regexp for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
                       for tag, regexp in resolvers if tag == _TIMESTAMP}


def _not_a_date(value: str) -> bool:
    """Whether SafeLoader reads the plain scalar `value` as a timestamp and fails to build it.
    No other implicit resolver of SafeLoader matches a value this one matches."""
    pattern = _TIMESTAMP_PATTERNS.get(value[:1])
    if pattern is None or not pattern.match(value):
        return False
    try:
        yaml.constructor.SafeConstructor.construct_yaml_timestamp(_SAFE_CONSTRUCTOR, yaml.ScalarNode(_TIMESTAMP, value))
    except (ValueError, OverflowError, TypeError, KeyError):
        return True
    return False


class _StrictLoader(_Base):
    """SafeLoader that leaves timestamps and floats as strings, refuses keys given twice,
    and refuses anchors, aliases and merge keys."""

    first_line = 1  # the file line the YAML starts on, for messages

    def resolve(self, kind, value, implicit):
        # A node's implicit tag depends only on these (no path resolvers are added): worked out
        # once per value, not once per node (the same keys and values recur in every file).
        key = (kind, value, implicit)
        tag = _tags.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if kind is yaml.ScalarNode and implicit[0] and tag == _STR and _not_a_date(value):
                tag = NOT_A_DATE
            elif kind is yaml.ScalarNode and implicit[0] and tag == _INT and not _PLAIN_DECIMAL.fullmatch(value):
                tag = NOT_AS_WRITTEN
            if len(_tags) >= TAGS_KEPT:
                _tags.clear()
            _tags[key] = tag
        return tag

    def construct_object(self, node, deep=False):
        # An alias is the same node met a second time (or, for a loop, while it is being built).
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _Refused(f"the value on line {node.start_mark.line + self.first_line} is repeated by an alias (*)",
                           node.start_mark, ALIAS_FIX)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Refused("a merge key (<<) copies another part of the file", key_node.start_mark, ALIAS_FIX)
                if not isinstance(key_node, yaml.ScalarNode):
                    continue  # a list or mapping as a key: the constructor says it cannot be used
                key = (key_node.tag, key_node.value)
                if key in seen:
                    first, second = seen[key] + self.first_line, key_node.start_mark.line + self.first_line
                    raise _Refused(f"{key_node.value} is given twice, on lines {first} and {second}",
                                   key_node.start_mark, DUPLICATE_FIX)
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_SAFE_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = {tag: _StrictLoader.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null")}
_STR, _MAP, _SEQ, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:int"


class _NotPlain(Exception):
    """Something in the document the quick construction leaves to the loader."""


def _plain_data(loader: _StrictLoader, node):
    """The data of a document of mappings, lists, strings, integers, booleans and nulls whose
    keys are strings, numbers, booleans or nulls each given once: what the loader would build,
    without its bookkeeping for aliases, tags and keys that are lists. Raises _NotPlain on
    anything else (the loader then builds the document, and refuses what it refuses)."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value  # what construct_yaml_str returns for a scalar
        constructor = _SCALAR_CONSTRUCTORS.get(node.tag)
        if constructor is None:
            raise _NotPlain
        value = constructor(loader, node)
        if _too_large(value):
            raise _NotPlain
        return value
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_plain_data(loader, item) for item in node.value]
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        mapping: dict = {}
        keys = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or (key_node.tag, key_node.value) in keys:
                raise _NotPlain
            keys.add((key_node.tag, key_node.value))
            key = _plain_data(loader, key_node)
            mapping[key] = _plain_data(loader, value_node)
        return mapping
    raise _NotPlain


# What YAML reads without a tag written in the text (the float and timestamp resolvers are gone),
# and what a constructor raises for a tagged value it cannot read (`!!int x`, `!!bool x`).
_PLAIN_TAGS = frozenset({_STR, _MAP, _SEQ, "tag:yaml.org,2002:merge", *_SCALAR_CONSTRUCTORS})
_UNREADABLE = (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError)
# A whole number written in hexadecimal, octal, binary or base 60 is not held to Python's limit on
# digits, and a message that prints it would crash: the handbook reads none this large.
MAX_INT_BITS = 64
TAG_FIX = "remove the tag (the word after !!) and write the value as plain text"


def _too_large(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS


def _field(path: tuple) -> str:
    """("changes", 0, "summary") -> "changes[1].summary", as the front matter's messages name fields."""
    name = ""
    for part in path:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


def _refuse_tags(loader: _StrictLoader, node) -> None:
    """Refuse, with its line, the first value marked with a YAML tag (`!!float 1.5`, `!!set`)
    or a tagged value its tag cannot read (`!!int x`): the handbook reads plain text, numbers,
    yes/no, lists and mappings, and a tag must never crash the check. And an unquoted value
    that looks like a date but is not a real one (NOT_A_DATE), naming its field."""
    stack: list = [(node, ())]
    while stack:
        current, path = stack.pop()
        line = current.start_mark.line + loader.first_line
        if current.tag == NOT_A_DATE:
            field = _field(path)
            raise _Refused(f"{field + ': ' if field else ''}{_shown(current.value)} looks like a date but is not a real one",
                           current.start_mark, NOT_A_DATE_FIX)
        if current.tag == NOT_AS_WRITTEN:
            field = _field(path)
            try:
                read_as = _SCALAR_CONSTRUCTORS[_INT](loader, yaml.ScalarNode(_INT, current.value))
            except _UNREADABLE:
                read_as = None
            number = f" {read_as}" if read_as is not None and not _too_large(read_as) else ""
            raise _Refused(f"{field + ': ' if field else ''}{_shown(current.value)} would be read as the number{number}, "
                           "not as written", current.start_mark, NOT_AS_WRITTEN_FIX)
        if current.tag not in _PLAIN_TAGS:
            tag = current.tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(f"the value on line {line} is marked with the YAML tag {tag}, which the handbook does not read",
                           current.start_mark, TAG_FIX)
        if isinstance(current, yaml.ScalarNode) and current.tag in _SCALAR_CONSTRUCTORS:
            shown = _shown(current.value)
            try:
                too_large = _too_large(_SCALAR_CONSTRUCTORS[current.tag](loader, current))
            except _UNREADABLE:
                # A number of thousands of digits is over Python's own limit; anything else is a bad tag.
                too_large = current.tag == _INT and len(current.value) > MAX_INT_BITS
                if not too_large:
                    raise _Refused(f"the value on line {line} ({shown}) cannot be read as its tag says",
                                   current.start_mark, TAG_FIX) from None
            if too_large:
                raise _Refused(f"the number on line {line} ({shown}) is too large to be a number the handbook reads",
                               current.start_mark, "write a smaller number, or put the value in quotes if it is text")
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, (*path, number)) for number, item in reversed(list(enumerate(current.value))))
        elif isinstance(current, yaml.MappingNode):
            for key_node, value_node in reversed(current.value):
                # a key names its field by itself (a key that is a list or a mapping names none)
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                stack.extend([(value_node, (*path, key)), (key_node, path)])


# Parsed texts, by their text: a provider's policies and data files are read once per home.
# Each caller gets its own copy. Texts that do not parse are not kept (parsing them again raises again).
_parsed: dict[tuple[str, int], bytes] = {}
PARSED_KEPT = 8192


def parse_yaml(text: str, first_line: int = 1):
    """Parse YAML text; `first_line` is the file line the text starts on (for messages)."""
    key = (text, first_line)
    if key in _parsed:
        return pickle.loads(_parsed[key])  # a fresh copy, several times quicker than copy.deepcopy
    data = _parse_yaml(text, first_line)
    if len(_parsed) >= PARSED_KEPT:
        _parsed.clear()
    _parsed[key] = pickle.dumps(data)
    return data


def _parse_yaml(text: str, first_line: int = 1):
    text = text.removeprefix(BOM)
    loader = _StrictLoader(text)
    loader.first_line = first_line
    try:
        if "&" in text or "*" in text:
            _refuse_anchors(text, first_line)
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _plain_data(loader, node)
        except (_NotPlain, RecursionError, *_UNREADABLE):
            _refuse_tags(loader, node)
            return loader.construct_document(node)
    except _Refused as refused:
        mark = refused.problem_mark
        line = mark.line + first_line if mark else None
        raise YamlProblem(refused.problem or "not accepted", line, refused.fix) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else None
        problem = exc.problem or exc.context or "not valid YAML"
        fix = COLON_FIX if problem.startswith(_COLON_IN_VALUE) else SYNTAX_FIX
        raise YamlProblem(f"the YAML is not valid ({problem})", line, fix, syntax=True) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"the YAML is not valid ({exc})", None, SYNTAX_FIX, syntax=True) from None
    except RecursionError:
        raise YamlProblem("the YAML is nested too deeply to read") from None
    finally:
        loader.dispose()


def _refuse_anchors(text: str, first_line: int) -> None:
    """Anchors (&name) and aliases (*name), found in the parser's events, with their lines."""
    for event in yaml.parse(text, Loader=_Base):
        anchor = getattr(event, "anchor", None)
        if anchor is None:
            continue
        line = (event.start_mark.line if event.start_mark else 0) + first_line
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"line {line} repeats another value with an alias (*{anchor})", event.start_mark, ALIAS_FIX)
        raise _Refused(f"line {line} names a value with an anchor (&{anchor})", event.start_mark, ALIAS_FIX)


def data_file_problem(relative: str, problem: YamlProblem) -> str:
    """One line about a data file that cannot be used: the file and line, what is wrong, what to do."""
    where = f", line {problem.line}" if problem.line else ""
    return f"{relative}{where}: {problem.message} - {problem.fix or 'correct the file'}"


def read_yaml_file(path: Path):
    """A data file's YAML. A symbolic link (the file's or its folder's) is never followed: it could
    bring a file from outside the repository into the handbook."""
    if path.is_symlink() or path.parent.is_symlink():
        raise YamlProblem("the file is a symbolic link, which the handbook never follows: it could bring in a file "
                          "from outside the repository", fix="put the file itself here")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlProblem("the file is missing", fix="put it back (git restore it from the main branch)") from None
    except UnicodeDecodeError:
        raise YamlProblem("the file is not UTF-8 text", fix="save it as UTF-8 text") from None
    return parse_yaml(text)


def line_of(text: str, place: str) -> int | None:
    """The line of `text` where the value at `place` ("registered_manager.address") starts,
    or None if the YAML does not hold it."""
    return line_at(text, place.split("."))


def line_at(text: str, path: list) -> int | None:
    """The line of `text` where the value at `path` (keys, and numbers for list items:
    ["instruments", "chr2015", "regulations", 0, "url"]) starts, or None if the YAML does not hold it."""
    try:
        node = yaml.compose(text.removeprefix(BOM), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    for key in path:
        if isinstance(key, int) and isinstance(node, yaml.SequenceNode) and 0 <= key < len(node.value):
            node = node.value[key]
            continue
        if not isinstance(node, yaml.MappingNode):
            return None
        found = next((value for name, value in node.value if name.value == str(key)), None)
        if found is None:
            return None
        node = found
    return node.start_mark.line + 1

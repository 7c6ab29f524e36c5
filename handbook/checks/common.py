"""What every check family shares."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from handbook.model.documents import Document
from handbook.model.handbook import Handbook


def valid_documents(handbook: Handbook) -> Iterator[Document]:
    """The documents whose front matter passed the schema: the only ones a check reads."""
    return (d for d in handbook.documents if d.valid)


def blank(text: str) -> str:
    """`text` with every character but the line breaks replaced by a space."""
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(line) for line in text.split("\n"))


def blank_spans(text: str, spans: Iterable[tuple[int, int]], keep_columns: bool = True) -> str:
    """`text` with each (start, end) span, left to right, blanked (line breaks kept, so every
    position keeps its line; and its column, unless not `keep_columns`: then the span is taken out,
    but for its line breaks). Spans that overlap are blanked as their union."""
    parts, position = [], 0
    for start, end in spans:
        start = max(start, position)
        if end > start:
            parts += [text[position:start], blank(text[start:end]) if keep_columns else "\n" * text.count("\n", start, end)]
            position = end
    parts.append(text[position:])
    return "".join(parts)


def matches(pattern: re.Pattern, first_characters: str, text: str) -> Iterator[re.Match]:
    """The matches of `pattern.finditer(text)`, for a pattern whose every match begins with one of
    `first_characters` and that matches only empty strings (a lookahead) or never one. The same
    matches, quicker: Python's regular expressions try a pattern that begins with a lookaround
    or an anchor at every position of the text; this tries it only where it can begin."""
    starts = []
    for character in first_characters:
        position = text.find(character)
        while position != -1:
            starts.append(position)
            position = text.find(character, position + 1)
    starts.sort()
    allowed = 0
    for position in starts:
        if position < allowed:
            continue
        match = pattern.match(text, position)  # a lookbehind or ^ still sees the text before
        if match is not None:
            yield match
            allowed = max(match.end(), position + 1)

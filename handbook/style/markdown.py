"""Reading Markdown the way Vale reads it: front matter skipped, code not prose, the ignores
masked, the rest split into blocks (headings, paragraphs, list items, table cells) and
sentences, with positions in the original file."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from handbook.model.documents import FRONT_MATTER
from handbook.style.base import CONFIG_NAME, MASK, compile_pattern


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


def parse_markdown(text: str, token_ignores: Sequence[str] = (), block_ignores: Sequence[str] = ()) -> ParsedDocument:
    """The prose blocks of a Markdown file, with positions in `text`."""
    structure = list(text)
    front = FRONT_MATTER.match(text)
    if front:
        for k in range(front.end()):
            if structure[k] != "\n":
                structure[k] = " "
    joined = "".join(structure)
    for pattern in block_ignores:
        for match in compile_pattern(pattern, CONFIG_NAME).finditer(joined):
            for k in range(match.start(), match.end()):
                if structure[k] != "\n":
                    structure[k] = " "
        joined = "".join(structure)
    prose = list(joined)
    for pattern in token_ignores:
        for match in compile_pattern(pattern, CONFIG_NAME).finditer("".join(prose)):
            for k in range(match.start(), match.end()):
                if prose[k] != "\n":
                    prose[k] = MASK
    return ParsedDocument(_MarkdownReader(joined, "".join(prose)).read())

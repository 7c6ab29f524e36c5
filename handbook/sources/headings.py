"""The headings of a Markdown page and the anchors MkDocs gives them, so front matter that
points at a section (schedule_1, guide_items) can be checked before the site is built."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown.extensions.toc import slugify, unique

_FENCE = re.compile(r"^\s*(```|~~~)")
# As Python-Markdown reads one: no space needed after #, and a seventh # starts the words
# (####### History is a level-6 heading "# History", with the anchor #history).
_ATX = re.compile(r"^(#{1,6})\s*(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^([=-])\1*[ ]*$")
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w-]+)[^}]*\}\s*$")
_INLINE = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)|<[^>]+>")


# The lines that can start or end a fence, be a heading, or underline one, each found by the
# line break before it: only those, and the line above each underline, are read (a page is
# mostly lines that are none of these).
_CANDIDATE = re.compile(r"\n(?:#|=+[ ]*(?=\n|\Z)|-+[ ]*(?=\n|\Z)|[^\S\n]*(?:```|~~~))")


def _candidate_lines(lines: list[str]) -> list[int]:
    """The indexes of the lines `_headings` must read, in order."""
    joined = "\n" + "\n".join(lines)  # splitlines() has taken every other kind of line break out
    found: set[int] = set()
    index = position = 0
    for match in _CANDIDATE.finditer(joined):
        index += joined.count("\n", position, match.start())  # the line breaks before this line's own
        position = match.start()
        found.add(index)
        if match.group(0)[1] in "=-" and index:
            found.add(index - 1)  # the text a line of = or - may underline
    return sorted(found)


@lru_cache(maxsize=4096)
def _slug(text: str) -> str:
    return slugify(text, "-")


# Headings read on one page at most: the toc extension's anchors (and ours, made the same way)
# compare each heading with every one before it, so a page of many thousand identical headings
# would take minutes. The content policy refuses a page with more; reading stops there.
HEADINGS_READ = 1_000


def _headings(markdown_text: str):
    """(line index, level, anchor, heading text) for each heading, in page order, with the
    anchors the toc extension would make. A heading is a line starting with # signs, or a line
    of text underlined by a line of = (level 1) or - (level 2). At most one more than HEADINGS_READ."""
    used: set[str] = set()
    read = 0
    in_fence = False
    lines = markdown_text.splitlines()
    for index in _candidate_lines(lines):
        line = lines[index]
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        match = _ATX.match(line)
        underline = None if match or index + 1 >= len(lines) else _SETEXT.match(lines[index + 1])
        if match:
            level, text = len(match.group(1)), match.group(2)
        elif underline and line.strip() and not line.startswith((" " * 4, "\t")) and not _SETEXT.match(line):
            level, text = (1 if underline.group(1) == "=" else 2), line.strip()
        else:
            continue
        explicit = _ATTR_ID.search(text)
        if explicit:
            anchor = explicit.group(1)
            text = text[: explicit.start()]
        else:
            plain = _INLINE.sub(lambda m: m.group(1) or "", text)
            anchor = unique(_slug(plain), used)
        used.add(anchor)
        yield index, level, anchor, text.strip()
        read += 1
        if read > HEADINGS_READ:
            return


def heading_slug(text: str) -> str:
    """The anchor the toc extension makes of a heading's words (before it makes it unique)."""
    return _slug(_INLINE.sub(lambda m: m.group(1) or "", text))


def heading_anchors(markdown_text: str) -> dict[str, str]:
    """Anchor -> heading text, in page order, as the toc extension would make them."""
    return {anchor: text for _, _, anchor, text in _headings(markdown_text)}


def heading_lines(markdown_text: str) -> list[tuple[int, int, str, str]]:
    """(line number, from 1; level; anchor; heading text) for each heading, in page order."""
    return [(index + 1, level, anchor, text) for index, level, anchor, text in _headings(markdown_text)]


def sections(markdown_text: str) -> dict[str, str]:
    """Anchor -> the section under that heading: its heading line and everything up to the
    next heading of the same or a higher level (so a section holds its subsections)."""
    lines = markdown_text.splitlines()
    found = list(_headings(markdown_text))
    result: dict[str, str] = {}
    for position, (start, level, anchor, _) in enumerate(found):
        end = next((line for line, other, _, _ in found[position + 1:] if other <= level), len(lines))
        result[anchor] = "\n".join(lines[start:end])
    return result

"""The headings of a Markdown page and the anchors MkDocs gives them, so front matter that
points at a section (schedule_1, guide_items) can be checked before the site is built."""

from __future__ import annotations

import re

from markdown.extensions.toc import slugify, unique

_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w-]+)[^}]*\}\s*$")
_INLINE = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)|<[^>]+>")


def _headings(markdown_text: str):
    """(line index, level, anchor, heading text) for each heading, in page order, with the
    anchors the toc extension would make."""
    used: set[str] = set()
    in_fence = False
    for index, line in enumerate(markdown_text.splitlines()):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else _ATX.match(line)
        if not match:
            continue
        text = match.group(2)
        explicit = _ATTR_ID.search(text)
        if explicit:
            anchor = explicit.group(1)
            text = text[: explicit.start()]
        else:
            plain = _INLINE.sub(lambda m: m.group(1) or "", text)
            anchor = unique(slugify(plain, "-"), used)
        used.add(anchor)
        yield index, len(match.group(1)), anchor, text.strip()


def heading_anchors(markdown_text: str) -> dict[str, str]:
    """Anchor -> heading text, in page order, as the toc extension would make them."""
    return {anchor: text for _, _, anchor, text in _headings(markdown_text)}


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

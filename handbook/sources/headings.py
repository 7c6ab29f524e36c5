"""The headings of a Markdown page and the anchors MkDocs gives them, so front matter that
points at a section (schedule_1, guide_items) can be checked before the site is built."""

from __future__ import annotations

import re

from markdown.extensions.toc import slugify, unique

_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w-]+)[^}]*\}\s*$")
_INLINE = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)|<[^>]+>")


def heading_anchors(markdown_text: str) -> dict[str, str]:
    """Anchor -> heading text, in page order, as the toc extension would make them."""
    anchors: dict[str, str] = {}
    used: set[str] = set()
    in_fence = False
    for line in markdown_text.splitlines():
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
        anchors[anchor] = text.strip()
    return anchors

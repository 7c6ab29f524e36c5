"""Links to documents an edition leaves out. The Statement of Purpose links to policies that
are for staff only; on the public website those links become plain text, so the website
neither breaks nor names the address of a page it does not have. A Python-Markdown extension
(a tree processor), run on each page before the site generator checks its links."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from urllib.parse import unquote, urlsplit

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

UNPUBLISHED_CLASS = "unpublished-link"
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


class UnpublishedLinks(Extension):
    """Turns each link to one of `unpublished` (source paths such as policies/x.md) into its
    text. `page` is the source path of the page being converted (set before each page)."""

    def __init__(self, unpublished: set[str]):
        super().__init__()
        self.unpublished = set(unpublished)
        self.page = ""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # After the inline patterns make the links (priority 20), before anything resolves them.
        md.treeprocessors.register(_Unlink(md, self), "handbook_unpublished_links", 1)

    def unpublished_target(self, href: str) -> bool:
        if not href or href.startswith("#") or _SCHEME.match(href) or href.startswith(("/", "\\")):
            return False
        path = unquote(urlsplit(href).path)
        if not path:
            return False
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), path))
        return target in self.unpublished


class _Unlink(Treeprocessor):
    def __init__(self, md: Markdown, extension: UnpublishedLinks):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        for element in root.iter("a"):
            if self.extension.unpublished_target(element.get("href", "")):
                element.tag = "span"
                element.attrib.clear()
                element.set("class", UNPUBLISHED_CLASS)

"""Markdown as the text people read: headings, paragraphs, list items and table rows as plain
text, without Markdown marks; a link reads as its text. Used wherever the handbook shows
sentences from a document outside the page itself (what changed, the reviewer's summary).

Markup that changes what a sentence tells the reader is read out in words, so that a change
to it is a change of the sentence: text struck through ("[struck through: ...]", which a reader
takes as withdrawn), a picture ("[picture: its description, its file]"), a box folded shut until
a reader opens it ("[folded]" before its title), the number of a numbered list's item, as
readers see it ("(3)" for the item numbered 3), and a table cell spread over several columns or rows
("[across 2 columns] 2 mg", read under each heading it spans), and the words an element shows
when a reader points at it, its title ("[shown on pointing: ...]")."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

import markdown

# The Markdown extensions of mkdocs.yml that change what a reader sees as text.
_EXTENSIONS = ["admonition", "attr_list", "def_list", "md_in_html", "tables", "pymdownx.details",
               "pymdownx.superfences"]
_STRUCK = {"s", "del"}
_LEADING_INTEGER = re.compile(r"\s*([+-]?\d+)")
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "dt", "dd", "pre", "summary", "caption"}


class _TextBlocks(HTMLParser):
    """The text of each block (paragraph, heading, list item, table row) of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._text: list[str] = []
        self._lists: list[int | None] = []  # for each open list, the next item's number (None: not numbered)
        self._prefix = ""  # what the next block's text starts with: an item's number, "[folded] "

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append(self._prefix + text)
            self._prefix = ""
        self._text = []

    def handle_starttag(self, tag, attrs) -> None:
        found = dict(attrs)
        if tag == "ol":
            # read as a browser reads it: spaces before it and a sign allowed (start=" 5" is 5)
            start = _LEADING_INTEGER.match(found.get("start") or "")
            self._lists.append(int(start.group(1)) if start else 1)
        elif tag == "ul":
            self._lists.append(None)
        elif tag == "details":
            self._flush()
            if "open" not in found:  # its first words, its summary's or (with none) its content's, say so
                self._prefix = "[folded] "
        if tag in _BLOCKS:
            self._flush()
            if tag == "li" and self._lists and self._lists[-1] is not None:
                self._prefix = f"({self._lists[-1]}) "  # not "3. ": a sentence would end at its full stop
                self._lists[-1] += 1
        elif tag in ("td", "th"):
            if "".join(self._text).strip():
                self._text.append(" | ")
            spread = [words.format(value) for name, words in (("colspan", "across {} columns"), ("rowspan", "down {} rows"))
                      if (value := (found.get(name) or "").strip()).isdecimal() and int(value) > 1]
            if spread:  # the cell reads in each column (row) it spans: "2 mg" under Morning and Night
                self._text.append(f"[{' and '.join(spread)}] ")
        elif tag == "br":
            self._text.append(" ")
        elif tag in _STRUCK:
            self._text.append(" [struck through: ")
        elif tag == "img":
            self._text.append(f" [picture: {found.get('alt') or 'no description'}, {found.get('src') or ''}]")
        if found.get("title"):  # a tooltip: words readers see when they point at it (a sixth attacker's review)
            self._text.append(f" [shown on pointing: {found['title']}] ")

    def handle_endtag(self, tag) -> None:
        if tag in ("ol", "ul") and self._lists:
            self._lists.pop()
        if tag in _BLOCKS:
            self._flush()
        elif tag in _STRUCK:
            self._text.append("]")

    def handle_data(self, data) -> None:
        self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


@lru_cache(maxsize=16)
def _html(markdown_text: str) -> str:
    """A page's Markdown as HTML, made once: the reviewer's summary reads each version's sentences
    and its links from the same rendering."""
    return markdown.markdown(markdown_text, extensions=_EXTENSIONS)


class _Links(HTMLParser):
    """Each link of an HTML page: (its text, where it leads)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            self._open.append((dict(attrs).get("href") or "", []))

    def handle_data(self, data) -> None:
        for _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag) -> None:
        if tag == "a" and self._open:
            address, text = self._open.pop()
            self.found.append((" ".join("".join(text).split()), address))


def links(markdown_text: str) -> list[tuple[str, str]]:
    """The links of a rendered page's Markdown, as a reader follows them: (text, address)."""
    parser = _Links()
    parser.feed(_html(markdown_text))
    parser.close()
    return parser.found


def plain_text(markdown_text: str) -> str:
    """A rendered page's Markdown as the text a reader sees: one block (heading, paragraph,
    list item, table row) per paragraph of the result, without Markdown marks; a link reads
    as its text."""
    parser = _TextBlocks()
    parser.feed(_html(markdown_text))
    parser.close()
    return "\n\n".join(parser.blocks)

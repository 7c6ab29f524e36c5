"""Links to documents, as an edition shows them. A Python-Markdown extension (a tree processor),
run on each page before the site generator checks its links.

- A link to a document the edition leaves out becomes its text. The Statement of Purpose links
  to policies that are for staff only; on the public website those links become plain text, so
  the website neither breaks nor names the address of a page it does not have.
- A link to a document that is not in force (a draft, or a retired document) says so after its
  text, on every page that is not itself a draft (the home page's quick help, the lists of
  documents, an approved policy that points to another): a reader who follows steps from a
  page, or a link, knows before acting that the document they come from is not in force. A
  draft page already says it is a draft at its top; its links to other drafts are not marked
  again."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from urllib.parse import unquote, urlsplit

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from handbook.model.documents import Document
from handbook.model.handbook import Handbook

UNPUBLISHED_CLASS = "unpublished-link"
NOT_IN_FORCE_CLASS = "not-in-force"
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def not_in_force_mark(document: Document) -> str:
    """What a link to `document` says after its text, or "" when the document is in force."""
    if document.status == "retired":
        return "retired: no longer in force"
    if document.status == "draft":
        return "draft of a new version" if document.previous_approval else "draft: not yet in force"
    return ""


class DocumentLinks(Extension):
    """Turns each link to one of `unpublished` (source paths such as policies/x.md) into its
    text, and marks each link to one of `marks` (source path -> words, from not_in_force_mark)
    unless the page is one of `unmarked_pages`. `page` is the source path of the page being
    converted (set before each page)."""

    def __init__(self, unpublished: set[str], marks: dict[str, str] | None = None,
                 unmarked_pages: set[str] | None = None):
        super().__init__()
        self.unpublished = set(unpublished)
        self.marks = dict(marks or {})
        self.unmarked_pages = set(unmarked_pages or ())
        self.page = ""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # After the inline patterns make the links (priority 20), before anything resolves them.
        md.treeprocessors.register(_DocumentLinks(md, self), "handbook_document_links", 1)

    def target(self, href: str) -> str | None:
        """The source path a link on this page leads to, or None for an anchor on the page, an
        address with a scheme or from the site's root, or no path at all."""
        if not href or href.startswith("#") or _SCHEME.match(href) or href.startswith(("/", "\\")):
            return None
        path = unquote(urlsplit(href).path)
        if not path:
            return None
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.page), path))

    def unpublished_target(self, href: str) -> bool:
        return self.target(href) in self.unpublished

    def mark(self, href: str) -> str:
        """The words a link to `href` carries on this page ("" for none)."""
        if self.page in self.unmarked_pages:
            return ""
        return self.marks.get(self.target(href) or "", "")


class _DocumentLinks(Treeprocessor):
    def __init__(self, md: Markdown, extension: DocumentLinks):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        for element in root.iter("a"):
            href = element.get("href", "")
            if self.extension.unpublished_target(href):
                element.tag = "span"
                element.attrib.clear()
                element.set("class", UNPUBLISHED_CLASS)
            elif mark := self.extension.mark(href):
                # Inside the link, at its end (so a button's words carry it too), after one space.
                children = list(element)
                if children:
                    children[-1].tail = (children[-1].tail or "").rstrip() + " "
                elif element.text:
                    element.text = element.text.rstrip() + " "
                etree.SubElement(element, "span", {"class": NOT_IN_FORCE_CLASS}).text = f"({mark})"


def document_links_for(handbook: Handbook) -> DocumentLinks:
    """The links of an edition's pages as the site and the PDF both show them: a link to a
    document the edition leaves out becomes its words, a link to a draft or retired document
    says so (except on a draft's own page, which says at its top that it is a draft)."""
    marks = {d.path: mark for d in handbook.documents if d.valid and (mark := not_in_force_mark(d))}
    return DocumentLinks({d.path for d in handbook.withheld}, marks,
                         unmarked_pages={d.path for d in handbook.documents if d.status == "draft"})


"""The last gate on what the handbook publishes: every page's HTML, as built, goes through a
maintained sanitiser (nh3, the Python binding of ammonia) with an allowlist of the markup the
handbook makes. If the sanitiser would remove anything, the page is refused: the gate never
quietly cleans a page, so what is published is what the reviewer read.

How "would remove anything" is decided, with nothing of our own standing in for the sanitiser:
the page is cleaned twice by nh3, once with the allowlist and once allowing every tag,
attribute and URL scheme the page uses. Both outputs are serialised by the same HTML parser, so
they are equal exactly when the allowlist removed nothing. The permissive pass must also keep
every element of the page: an element the parser drops (such as a `<body onload=...>` inside
the text, which a browser would apply to the whole page) is refused too. So is what the
allowlist keeps but no page of the handbook holds (_out_of_shape): a stray end tag, a second
title, and an attribute that hides text outside the handbook's own blocks."""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from html import escape, unescape
from html.parser import HTMLParser

import nh3

from handbook.model.reserved import (
    ALLOWED_CLASSES,
    ALLOWED_DIRECTIONS,
    BOX_TYPES,
    OPTIONAL_END,
    THEME_ID_PREFIX,
    VOID_ELEMENTS,
)
from handbook.sources.errors import HandbookError
from handbook.views.document_links import NOT_IN_FORCE_CLASS, UNPUBLISHED_CLASS

# The markup the handbook legitimately produces: Markdown (with the site's extensions: tables,
# admonitions, details, definition lists, attribute lists, code blocks), the handbook's own
# generated blocks (document control, the copy stamp, what changed) and Material's article
# markup (permanent links, the "last update" icon).
ALLOWED_TAGS = frozenset({
    "article", "section", "aside", "div", "p", "br", "hr", "span",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "a", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small", "mark", "abbr", "cite", "q", "kbd",
    "code", "pre", "blockquote", "ins", "del",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
    "details", "summary", "figure", "figcaption", "img",
    "svg", "path",  # Material's inline icons
})
GENERIC_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},  # type and reversed: browsers and the PDF number the list differently
    "th": {"colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    "abbr": {"title"},
    "p": {"hidden", "data-search-exclude"},  # the copy stamp's line shown by its script; a page's status line
    "table": {"data-search-exclude"},  # a document's tables stay out of search snippets
    "div": {"data-earliest-review", "data-search-exclude"},  # the copy stamp, document control
    "svg": {"xmlns", "viewBox"},
    "path": {"d"},
}
# The classes an article may hold, by element: Markdown's boxes (BOX_TYPES, which the content
# policy holds a document's boxes to), the handbook's own blocks (document control, the copy
# stamp, notices, the regulation map's gaps), the classes a document may give (ALLOWED_CLASSES)
# and what Material and its plugins write. Any other class is refused, wherever it came from: a
# class is how the theme's and the PDF's style sheets and scripts find what to hide, move or
# leave out of search (Material hides `tabbed-block`; its search skips `linenodiv`), so text
# that reached the page past the checks cannot take one.
ALLOWED_CLASSES_BY_TAG = {
    "div": {"admonition", *BOX_TYPES, "copy-stamp", "document-control", "schedule-1-index", "stack-on-phone",
            "highlight"},
    "details": set(BOX_TYPES),
    "p": {"admonition-title", "document-notice", "document-notice--draft", "document-notice--overdue",
          "document-notice--retired", "document-status", "copy-stamp__stale"},
    "a": {"external", "headerlink"},
    "span": {"guide-page", "gap", "gap--expected", "md-icon", "md-source-file__fact", UNPUBLISHED_CLASS, NOT_IN_FORCE_CLASS,
             "git-revision-date-localized-plugin", "git-revision-date-localized-plugin-date",
             "review-badge", "review-badge--overdue", "review-badge--due-soon", "review-badge--in-date"},
    "strong": {"gap", "gap--required"},
    "aside": {"md-source-file"},
}
# Attributes that say whether a reader or the site's search sees an element, each allowed only on
# the handbook's own blocks that carry it (one of their classes): `hidden` hides text from
# readers while search finds it and the PDF prints it (the copy stamp's line, shown by its
# script); `data-search-exclude` keeps text out of search (the page's status line and notices,
# the copy stamp, the Schedule 1 index). Every table may carry `data-search-exclude`: the build
# gives it to each table of a document, whose rows would otherwise fill the search results.
CLASS_BOUND_ATTRIBUTES = {
    ("p", "hidden"): {"copy-stamp__stale"},
    ("p", "data-search-exclude"): {"document-notice", "document-status"},
    ("div", "data-search-exclude"): {"copy-stamp", "schedule-1-index"},
    ("div", "data-earliest-review"): {"copy-stamp"},
}
# Markup that is not an element: a comment, a declaration (<!DOCTYPE, <![CDATA[), a processing
# instruction (<?x?>) or an end tag with no name (</ x>). A browser reads each as a hidden note that
# ends at the first ">"; Python's parser, which this gate and the checks read pages with, reads a
# <![CDATA[ ... ]]> or a comment to a later end, so elements a browser shows could pass unread.
# No page of the handbook holds one.
_NOT_AN_ELEMENT = re.compile(r"<[!?]|</(?![a-zA-Z])")
_CODE_CLASS = re.compile(r"language-[a-z0-9+#_-]+")  # the language of a code block, as superfences names it
_TOKEN_CLASS = re.compile(r"[a-z]{1,3}[0-9]?")  # Pygments' names for the parts of highlighted code


def allowed_class(tag: str, word: str) -> bool:
    return (word in ALLOWED_CLASSES or word in ALLOWED_CLASSES_BY_TAG.get(tag, ())
            or (tag in ("div", "code", "pre") and _CODE_CLASS.fullmatch(word) is not None)
            or (tag == "span" and _TOKEN_CLASS.fullmatch(word) is not None))


# Python-Markdown writes a table column's alignment as a style attribute, and nothing else may
# carry one: `style="position: fixed"` would lay a box over every page of the PDF.
TABLE_ALIGNMENT = {"text-align: left;", "text-align: center;", "text-align: right;"}
ALLOWED_VALUES = {"th": {"style": TABLE_ALIGNMENT}, "td": {"style": TABLE_ALIGNMENT}}
URL_SCHEMES = frozenset({"https", "http", "mailto", "tel"})

# HTML parsers write these SVG attributes in mixed case (the HTML standard's adjustment table);
# the permissive pass must name them as the parser does.
_SVG_NAMES = {name.lower(): name for name in (
    "attributeName attributeType baseFrequency baseProfile calcMode clipPathUnits diffuseConstant edgeMode "
    "filterUnits glyphRef gradientTransform gradientUnits kernelMatrix kernelUnitLength keyPoints keySplines "
    "keyTimes lengthAdjust limitingConeAngle markerHeight markerUnits markerWidth maskContentUnits maskUnits "
    "numOctaves pathLength patternContentUnits patternTransform patternUnits pointsAtX pointsAtY pointsAtZ "
    "preserveAlpha preserveAspectRatio primitiveUnits refX refY repeatCount repeatDur requiredExtensions "
    "requiredFeatures specularConstant specularExponent spreadMethod startOffset stdDeviation stitchTiles "
    "surfaceScale systemLanguage tableValues targetX targetY textLength viewBox viewTarget xChannelSelector "
    "yChannelSelector zoomAndPan").split()}

_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")


def _attribute_value(tag: str, attribute: str, value: str) -> str | None:
    """An image must be one of the handbook's own files: a relative address, never a URL that
    a reader's browser (or the PDF maker) would fetch from elsewhere. And no id in a page's
    article starts with the theme's "__": Material reads its settings (where search's worker
    is) from the first element with the id __config. No dir but ltr and auto: right to left,
    "15 30 60" reads "60 30 15"."""
    if tag == "img" and attribute == "src" and (_SCHEME.match(value) or value.lstrip().startswith(("/", "\\"))):
        return None
    if attribute == "id" and value.startswith(THEME_ID_PREFIX):
        return None
    if attribute == "dir" and value.strip().lower() not in ALLOWED_DIRECTIONS:  # text shown in another order
        return None
    if attribute == "class" and not all(allowed_class(tag, word) for word in value.split()):
        return None
    return value


_STRICT = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={"*": set(GENERIC_ATTRIBUTES), **{tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}},
    tag_attribute_values={tag: {name: set(values) for name, values in allowed.items()}
                          for tag, allowed in ALLOWED_VALUES.items()},
    attribute_filter=_attribute_value,
    url_schemes=set(URL_SCHEMES),
    strip_comments=False,
    link_rel=None,
)

Element = tuple[str, tuple[tuple[str, str], ...]]


class _Elements(HTMLParser):
    """Every start tag of a fragment, with its attributes, in order; and the first end tag that
    closes an element not open there. An end tag closes the elements opened inside its own, as a
    browser does (`<li><div>x</li>` closes the <div>, so a later </div> closes part of the page
    around it). Like the check on a document's source, it does not count elements with no end
    tag (<br>) or whose end tag HTML lets a page leave out (</p>)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[str] = []  # innermost last
        self.stray_end_tag: str | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, tuple(sorted((name, value or "") for name, value in attrs))))
        if tag not in VOID_ELEMENTS:
            self._open.append(tag)  # `<div/>` too: in HTML the slash does not close it

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]
        elif self.stray_end_tag is None and tag not in VOID_ELEMENTS and tag not in OPTIONAL_END:
            self.stray_end_tag = tag


def _parsed(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def _elements(html: str) -> list[Element]:
    return _parsed(html).elements


def _permissive(html: str, elements: list[Element]) -> str:
    """The page through the same parser and serialiser, allowing everything it uses."""
    tags = {tag for tag, _ in elements}
    attributes = {_SVG_NAMES.get(name, name) for _, attrs in elements for name, _ in attrs}
    schemes = {m.group(1).lower() for _, attrs in elements for _, value in attrs if (m := _SCHEME.match(value))}
    return nh3.clean(html, tags=tags, clean_content_tags=set(), attributes={"*": attributes},
                     url_schemes=schemes, strip_comments=False, link_rel=None)


@dataclass(frozen=True)
class Removed:
    """What the sanitiser would take out of a page, in words for its author."""
    what: str

    def __str__(self) -> str:
        return self.what


# How nh3 (html5ever's serialiser) writes a tree: each start tag as a lower-case name and
# ` name="value"` attributes (with "&", '"' and U+00A0 escaped in the value), text with "<"
# escaped, comments that cannot hold "-->". Read with this, a serialised page gives the same start
# tags as `_Elements` gives, as long as it holds no element whose text is written raw (<style>,
# <script>, <xmp>, <iframe>, <noembed>, <noframes>, <plaintext>, <noscript>): the allowlist has
# none, so a page the allowlist keeps whole has none either. tests/test_output_gates.py proves
# the two readings the same on such pages. An attribute may also be written with no value
# (` hidden`): nh3 never writes one so, but the handbook's own templates do, and a PDF made with
# the gate switched off (as a test of the layers behind it does) holds them.
_SERIALISED = re.compile(r'<!--.*?-->|<([a-zA-Z][^\s/>]*)((?: [^\s="/>]+(?:="[^"]*")?)*)>|<[^>]*>|[^<]+', re.DOTALL)
_SERIALISED_ATTRIBUTE = re.compile(r' ([^\s="/>]+)(?:="([^"]*)")?')


def serialised_elements(serialised: str) -> list[Element]:
    """Every start tag of HTML written by nh3 whose elements are all in the allowlist."""
    return [(match.group(1).lower(),
             tuple(sorted((name.lower(), unescape(value))
                          for name, value in _SERIALISED_ATTRIBUTE.findall(match.group(2)))))
            for match in _SERIALISED.finditer(serialised) if match.group(1)]


def rewrite_attributes(serialised: str, names: frozenset[str], rewrite: Callable[[str, str], str | None]) -> str:
    """HTML written by nh3 (sanitised()) with the value of each attribute in `names` replaced by
    `rewrite(name, value)` (the value unescaped; the attribute dropped when it gives None). Each
    start tag's attributes are read one after another from its name, as nh3 wrote them, so text
    inside one attribute's value (title="... id=") is never taken for another attribute."""

    def attribute(match: re.Match) -> str:
        name = match.group(1).lower()
        if name not in names:
            return match.group(0)
        value = rewrite(name, unescape(match.group(2) or ""))
        return "" if value is None else f' {name}="{escape(value)}"'

    def start_tag(match: re.Match) -> str:
        if not match.group(1):
            if re.match(r"<[a-zA-Z]", match.group(0)):  # never from nh3: refused rather than left unread
                raise HandbookError(f"a tag is not written as the sanitiser writes tags: {match.group(0)[:80]!r}")
            return match.group(0)  # a comment, an end tag or text
        return f"<{match.group(1)}{_SERIALISED_ATTRIBUTE.sub(attribute, match.group(2))}>"

    return _SERIALISED.sub(start_tag, serialised)


def sanitised(html: str) -> str:
    """`html` as the sanitiser writes it: every attribute name in lower case, every value in
    double quotes (what a later step that rewrites attributes can read without guessing)."""
    return _STRICT.clean(html)


def removed_by_sanitiser(html: str, titles: int = 1) -> Removed | None:
    """None if the allowlist keeps every element, attribute and word of `html`, and the page
    keeps to the shape of the handbook's pages; otherwise the first thing it would remove. A
    site page's article has one <h1> heading, its title (`titles`); a part of the PDF has none."""
    parser = _parsed(html)
    elements = parser.elements
    out_of_shape = _out_of_shape(html, parser, titles)
    if out_of_shape is not None:
        return out_of_shape
    baseline = _permissive(html, elements)
    if _STRICT.clean(html) == baseline and not Counter(elements) - Counter(serialised_elements(baseline)):
        return None  # the quick answer for a page the allowlist keeps whole; anything else is said below
    kept = Counter(_elements(baseline))
    for element in elements:
        if kept[element] <= 0:
            return Removed(f"{_describe(element)} that a browser would not read as it is written")
        kept[element] -= 1
    if _STRICT.clean(html) == baseline:
        return None
    return _first_removal(elements) or Removed("text that is not shown as written (such as the content of "
                                               "an element the handbook does not publish)")


def _out_of_shape(html: str, parser: _Elements, titles: int) -> Removed | None:
    """What the allowlist keeps but the handbook's pages never hold: markup that is not an
    element, an end tag that would close part of the page around the text (a stray </article>
    or </div>), a heading that would be listed as a title of its own (in the PDF's contents, as
    a document), an id given twice, or an attribute that hides text or keeps it from search
    outside the handbook's own blocks."""
    if markup := _NOT_AN_ELEMENT.search(html):
        shown = html[markup.start():markup.start() + 12].split("\n")[0]
        return Removed(f"'{shown}...', markup that is not an element (a comment, a declaration or a processing "
                       "instruction), which browsers and the handbook's checks read differently")
    if parser.stray_end_tag is not None:
        return Removed(f"a </{parser.stray_end_tag}> end tag closing an element that was never opened there (it "
                       "would close part of the page around it)")
    if sum(tag == "h1" for tag, _ in parser.elements) > titles:
        return Removed("a <h1> heading beside the title (the PDF would list it as a document of its own)")
    ids = Counter(value for _, attrs in parser.elements for name, value in attrs if name == "id")
    if twice := next((value for value, count in ids.items() if count > 1), None):
        return Removed(f"the id '{twice}' twice (links to it, such as the page's own to its Document control, could "
                       "lead to either)")
    for tag, attrs in parser.elements:
        for name, _ in attrs:
            blocks = CLASS_BOUND_ATTRIBUTES.get((tag, name))
            if blocks is not None and not blocks.intersection(dict(attrs).get("class", "").split()):
                return Removed(f"the {name} attribute of a <{tag}> element that is not one of the handbook's own "
                               "blocks")
    return None


def _describe(element: Element) -> str:
    tag, attrs = element
    return f"<{tag}{''.join(f' {name}' for name, _ in attrs)}>"


# Where an element must stand for an HTML parser to keep it (a cell outside a table is dropped).
_CONTEXT = {"td": "<table><tbody><tr>{}</tr></tbody></table>", "th": "<table><tbody><tr>{}</tr></tbody></table>",
            "tr": "<table><tbody>{}</tbody></table>", "thead": "<table>{}</table>", "tbody": "<table>{}</table>",
            "tfoot": "<table>{}</table>", "caption": "<table>{}</table>", "colgroup": "<table>{}</table>",
            "col": "<table><colgroup>{}</colgroup></table>", "li": "<ul>{}</ul>", "dt": "<dl>{}</dl>",
            "dd": "<dl>{}</dl>", "summary": "<details>{}</details>", "path": "<svg>{}</svg>"}


def _first_removal(elements: list[Element]) -> Removed | None:
    """Ask the sanitiser about each element and attribute alone, to say which one it removes."""
    for tag, attrs in elements:
        if tag not in ALLOWED_TAGS:
            return Removed(f"a <{tag}> element")
        for name, value in attrs:
            snippet = _CONTEXT.get(tag, "{}").format(f'<{tag} {name}="{_quote(value)}"></{tag}>')
            if _STRICT.clean(snippet) != _permissive(snippet, _elements(snippet)):
                shown = value if len(value) <= 80 else value[:77] + "..."
                return Removed(f'the {name}="{shown}" attribute of a <{tag}> element')
    return None


def _quote(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")


_ARTICLE_START = re.compile(r'<article class="md-content__inner[^"]*">')


def article_content(page_html: str) -> str | None:
    """The article of a page built with Material: from its opening tag to the last </article>
    (a page's own text cannot end it early: everything up to the theme's own closing tag is
    checked). None for a page with no article (the 404 page is the theme's own)."""
    start = _ARTICLE_START.search(page_html)
    end = page_html.rfind("</article>")
    if start is None or end < start.end():
        return None
    return page_html[start.end():end]


class PageGate:
    """The gate over every page of a build. Each page's answer depends on that page alone, so
    with `beside` the pages go to a worker process on another core (one fewer than the
    machine has, at most 4) while the build makes the next ones; `answers` then waits for the
    last. With nothing beside (one core, a small build, or `mkdocs serve`, where a refused page
    must show its problem at once), each page is answered as it comes, in this process."""

    MAX_WORKERS = 4
    # Starting a worker costs about as much as gating 60 pages in process (its interpreter and
    # imports): below this many pages, the build gates them itself.
    WORTH_A_WORKER = 100

    def __init__(self, pages: int, beside: bool):
        """A gate for a build of `pages` pages, with a worker if `beside` allows one and the
        build is large enough to be worth it."""
        workers = min((os.cpu_count() or 1) - 1, self.MAX_WORKERS) if beside and pages >= self.WORTH_A_WORKER else 0
        self._pool = (ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
                      if workers > 0 else None)
        self._pending: list[tuple[str, str, str, Future]] = []

    @property
    def beside(self) -> bool:
        return self._pool is not None

    def submit(self, page: str, written_to: str, html: str) -> None:
        """Send a page's article to the worker; its answer comes from `answers`."""
        assert self._pool is not None, "submit needs a gate with a worker beside the build"
        try:
            future = self._pool.submit(removed_by_sanitiser, html)
        except Exception:  # no worker could start: this page, and every page after it, is gated here
            self.close()
            future = Future()
            future.set_result(removed_by_sanitiser(html))
        self._pending.append((page, written_to, html, future))

    def answers(self) -> list[tuple[str, str, Removed]]:
        """(page, the file it was written to, what the sanitiser would remove) for each page it
        refuses, in the order they were sent. A page whose worker failed is answered here
        instead: none goes unchecked."""
        refused = []
        for page, written_to, html, future in self._pending:
            try:
                removed = future.result()
            except Exception:  # the worker died (out of memory, killed): the page is gated here
                removed = removed_by_sanitiser(html)
            if removed is not None:
                refused.append((page, written_to, removed))
        self._pending = []
        return refused

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def text_only(fragment: str) -> str:
    """An HTML fragment as its text alone: every tag taken out, its words kept, unescaped."""
    return unescape(nh3.clean(fragment, tags=set(), clean_content_tags=set()))

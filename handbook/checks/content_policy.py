"""What a page may contain, checked on its source: text, headings, lists, tables, links and
images. No element that runs a script, changes the look of other pages, loads another page or
sends a form (<script>, <style>, <iframe>, <object>, <embed>, <link>, <meta>, <form>, <base>
and the like), no event-handler or style attribute, no rel="attachment" (which would attach a
file to the inspectors' PDF), and no address other than https:, http:, mailto: and tel: (a link
to call only as a phone fact prints it, its number its words: never written, nor printed by
quoted text or another fact). A
relative link or image must lead to a file of the handbook: a governed document, a page in
docs/ or an asset there, written as a Markdown link (MkDocs rewrites only those). No HTML
comment: it is published in the page's source. Raw HTML is read with Python's HTML tokenizer;
Markdown links, reference definitions, autolinks and attribute lists ({: rel="attachment" })
are read as Python-Markdown reads them. Code (fenced blocks and `code`) is text and is not
checked.

No id or name the theme or the handbook's page keeps for its own parts (handbook/model/
reserved.py): none starting with __ (Material reads its settings from the element with id
__config), and no heading or id taking the anchor of a section the handbook adds to every
document's page (Document control, History). No class or data-md-* attribute of the theme's (it
hides or moves what they mark), no hidden attribute (hidden from readers, not from search or the
PDF), and every HTML element the document opens is closed, and none closed that it did not open
(an open one swallows the document control, a stray end tag breaks out of the page's article).
Nothing Python-Markdown cannot read: no page longer than MAX_CHARACTERS, no paragraph with more
than MAX_EMPHASIS_MARKS * and _ (nested emphasis crashes it), no line indented more than
MAX_INDENT columns (nor elements nested deeper than MAX_DEPTH), no definition list longer than
MAX_DEFINITIONS without a blank line, and no more [ and < than it reads in reasonable time
(MAX_OPENERS). No character that reverses the
order text is shown in. And what a page's {{ }} and {% %} expressions print is checked as well,
on the page as they make it.

Every governed document and every page in docs/ is checked. The build then passes every
page's HTML through a sanitiser as a last gate (handbook/export)."""

from __future__ import annotations

import bisect
import difflib
import functools
import html
import json
import posixpath
import re
import unicodedata
from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.parse import unquote

from handbook.checks.common import blank_spans, matches
from handbook.loading.rendering import PageRenderer, TemplateLimit, has_template_syntax, page_jinja_spans
from handbook.model.findings import CheckName, Finding, error
from handbook.model.handbook import DOCS_DIR, Handbook
from handbook.model.home import HOME_FILE
from handbook.model.provider import shared_path
from handbook.model.reserved import (
    ALLOWED_CLASSES,
    ALLOWED_DIRECTIONS,
    ANCHOR,
    BOX_TYPES,
    DOCUMENT_ANCHORS,
    OPTIONAL_END,
    THEME_DATA_PREFIX,
    THEME_ID_PREFIX,
    VOID_ELEMENTS,
)
from handbook.sources.cache import handbook_code, read_cache, text_hash, write_cache
from handbook.sources.files import PICTURE_FORMATS
from handbook.sources.headings import HEADINGS_READ, heading_anchors, heading_lines, heading_slug
from handbook.sources.letters import DIRECTION_MARKS, IN_DOSES, LOOK_ALIKES, never_used_alphabet

CHECK: CheckName = "content-policy"

# The only elements a page may write in HTML (README, "What a document may contain"); every other
# is refused whole (what its attributes would do is not said as well): a script, a style, a frame,
# a form, a drawing (svg, math: text that search, the PDF's text and a screen reader cannot read),
# and an element the output gate would refuse at build time (<strike>, <font>, <center>...).
# Headings are written in Markdown: an HTML heading gets no anchor of its own, so the page's
# contents, links to the section and the Statement of Purpose's index cannot find it, and an id
# elsewhere can take the anchor its Markdown heading had.
PAGE_ELEMENTS = frozenset({
    "p", "br", "hr", "div", "span", "section", "aside", "a", "strong", "em", "b", "i", "u", "s", "sub", "sup",
    "small", "mark", "abbr", "cite", "q", "kbd", "code", "pre", "blockquote", "ins", "del", "ul", "ol", "li", "dl",
    "dt", "dd", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td", "details",
    "summary", "figure", "figcaption", "img",
})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that make their text smaller: one inside another shrinks it again, until readers cannot
# see a step that every check, the review and the search still read.
SHRINKING = frozenset({"small", "sub", "sup"})
URL_ATTRIBUTES = frozenset({
    "href", "src", "srcset", "action", "formaction", "data", "poster", "cite", "background", "longdesc",
    "usemap", "ping", "xlink:href", "manifest", "codebase", "archive", "lowsrc", "dynsrc", "icon", "imagesrcset",
})
# ... of which those the browser fetches to show on the page, not follow when asked (srcset and
# imagesrcset too, read candidate by candidate).
FETCHED = frozenset({"src", "poster", "background", "lowsrc", "dynsrc", "icon"})
ALLOWED_SCHEMES = ("https", "http", "mailto", "tel")
# What Python-Markdown can read. It crashes (RecursionError) on emphasis nested about 990 deep
# (1,985 * on each side of a word, or "*a " repeated 992 times and closed), on lists nested 248
# deep (992 columns of indentation) and on <div markdown> nested 330 deep; the limits are far
# below those and far above any real page (the longest is about 32,000 characters, with at most
# 32 * and _ in a paragraph).
MAX_CHARACTERS = 500_000
MAX_EMPHASIS_MARKS = 500
MAX_INDENT = 100
MAX_DEPTH = 50
# It crashes too on a definition list of about 450 definitions with no blank line between them
# (each `: definition` line is read inside the one before). And it reads a [ or a < that is
# never closed by looking through the rest of the paragraph: 5,000 of them take about 20 s
# (2,000: 3 s, 500: 0.2 s). The real pages have at most 22 [ and a few < each.
MAX_DEFINITIONS = 100
# A line that opens lists and quotes inside each other ("- - - x", "1. 1. x", ">>> x") is read
# a level at a time, each inside the last: about 450 crash it, and 1,000 lines each a level
# deeper than the last took 18 s.
MAX_NESTING = 50
MAX_OPENERS = {"[": 1_000, "<": 2_000}
# Characters that reverse the order text is shown in (bidirectional embeddings, overrides, isolates).
_BIDI = re.compile(f"[{DIRECTION_MARKS}]")
# A word written in Latin letters with a look-alike letter of another alphabet in it ("Histоry"
# with a Cyrillic о): readers read the word it looks like, while search, the checks (a reserved
# section's heading, a fact the public website withholds) and a reader's own search read another.
_WORD_WITH_OTHER_LETTERS = re.compile(r"[^\W\d_]*[^\x00-\x7f][^\W\d_]*")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_EMPHASIS = re.compile(r"[*_]")
_DEFINITION = re.compile(r"^[ ]{0,3}:[ ]{1,3}", re.MULTILINE)  # as the def_list extension finds a definition
_TAGS = re.compile(r"<[^>\n]*>")
# A heading indented, or after the marks of a list or a quote that hold it (> ## x, - ## x, 1. ## x, <div markdown>## x).
_MARK = r"(?:>|[-*+:]|\d+[.)]|<[^>\n]*>)"  # a quote's, a list item's or a definition's mark, or an HTML tag
_NESTED_HEADING = re.compile(rf"(?m)^(?:[ \t]+(?:{_MARK}[ \t]*)*|[ \t]*(?:{_MARK}[ \t]*)+)(#{{1,6}})[ \t]*(.+?)[ \t#]*$")
# A heading underlined with = or - (setext) inside a quote (> History over > -------, or in a quote
# in a list item: 1. > History) or indented into a list item, a box or a definition: the line of =
# or - (found by the line break before it, with the quote marks or the indentation the text above
# it has), and the text above it.
_UNDERLINE = re.compile(r"\n((?:[ \t]*>)+[ \t]*|[ \t]+)([=-])\2*[ \t]*(?=\n|\Z)")
_LIST_MARK = r"(?:[-*+]|\d{1,9}[.)])[ \t]+"
_UNDERLINED_TEXT = re.compile(rf"([ \t]*(?:{_LIST_MARK})*(?:>[ \t]*)+|[ ]{{4,}}|[ ]*\t[ \t]*)"
                              r"([^\s>#=-].*)")
# A box (admonition.py's and pymdownx.details' own patterns): !!! or ???, ???+, then its words and
# perhaps a title in quotes, to the end of the line; wherever on a line (after a list's mark, a
# definition's colon or an HTML tag, a box still opens).
_BOX = re.compile(r"(?m)(?:!!!|\?\?\?\+?) ?([\w\-]+(?: +[\w\-]+)*)(?: +\"[^\"\n]*\")? *$")
# A line (found by the line break before it) starting with more than MAX_NESTING quote and list markers.
_NESTED = re.compile(r"\n(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]))){" + str(MAX_NESTING + 1) + "}")
# Files the build makes itself, which a page may link to.
GENERATED_FILES = frozenset({"review-schedule.json", "review-schedule.ics", "inspector-copy.md"})

_TAG_NAME = re.compile(r"[a-z][a-z0-9-]*")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_QUERY = re.compile(r"[?#]")  # where a link's path ends
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]")
# A line that opens or closes fenced code: indented less than four columns (inside a quote's >).
# Indented further, Markdown reads it as text in an indented code block; the check then reads
# the lines after it as it would read any text (a fence inside a list item is checked as text).
_FENCE = re.compile(r"^(?:[ ]{0,3}>)*[ ]{0,3}(`{3,}|~{3,})", re.MULTILINE)
_FIRST_CLASS = re.compile(r"(?<=[\s{])\.[^\s}]+")  # in a fence's attribute list, its first class names its language
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}")
_BACKTICKS = re.compile(r"`+")
_RAW_BLOCK_START = re.compile(r"(?m)^ {0,3}<([a-zA-Z][a-zA-Z0-9-]*)(?![^>\n]*\bmarkdown\b)")
# Markdown: "](" ends a link's text (the destination follows), "[id]: url" defines a reference,
# "<scheme:...>" is an autolink, "{: ... }" and "{ ... }" are attribute lists.
_LINK_TEXT_END = re.compile(r"(?=(!?)(\[(?:[^\[\]\n]|\[[^\[\]\n]{0,500}\]){0,2000}\]\())")  # at every "[": links nest
_REFERENCE = re.compile(r"(?m)^[ ]{0,3}\[([^\]\n]{1,1000})\]:[ \t]*(?:\n[ \t]*)?(<[^>\n]*>|\S+)")
# A picture named by a reference: ![words][label], ![label][] or ![label] (its definition is fetched).
_IMAGE_REFERENCE = re.compile(r"!\[([^\]\n]{0,1000})\](?:[ ]?\[([^\]\n]{0,1000})\])?")
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>")
_COMMENT = re.compile(r"<!--")  # closed or not: an open one hides the rest of the page, document control included
# A declaration (<!DOCTYPE, <![CDATA[) or a processing instruction (<?x?>) that Python-Markdown
# passes on as it is: a <![CDATA[ and a <?...?> anywhere, and any <! or <? that starts a line (it
# escapes the others: "<3", "best!<!", "a <? b"). A browser reads one as a hidden note ending at
# the first ">", while Python's HTML parser (which the checks read pages with) reads a <![CDATA[ to
# its "]]>": the HTML between would be live on the page and unread by the checks.
_DECLARATION = re.compile(r"<!\[CDATA\[|<\?[^\n]*?\?>|^[ ]{0,3}<(?:![^-]|\?)", re.MULTILINE)
# In an attribute list, a `key=value` (the value quoted or not), as attr_list reads them.
_ATTRIBUTE = re.compile(r"""([^\s=}{]+)=("[^"\n]*"|'[^'\n]*'|[^\s=}]+)""")
# ... and a word alone: #id, .class, or an attribute with no value (hidden).
_WORD = re.compile(r"""(?<![^\s{:])([^\s=}{"']+)(?=[\s}])""")
# A Markdown link's destination: no spaces, parentheses only in balanced pairs.
_DESTINATION = re.compile(r"[^\s()<]*(?:\([^\s()]*\)[^\s()]*)*")

FIX_ELEMENT = ("remove it: documents hold text, links and images; the handbook's theme decides how pages look "
               "and what runs on them")
FIX_COMMENT = ("remove it: a note for the team belongs in the pull request, and a template comment {# ... #} "
               "is never published")
FIX_PICTURE = ("keep the picture in docs/assets/images/ and give its path relative to this page, for example "
               "../assets/images/front-door.png")
FIX_TEL = (f"write the number as its fact from {HOME_FILE}, such as {{{{ home.contacts.childline.phone }}}}: a phone "
           "fact prints its own link to call (add the number to the file first if it is new)")
FIX_URL = ("link only to https://, http://, mailto: or tel: addresses, or to a document, page or file of the "
           "handbook by its relative path")


def check_content_policy(handbook: Handbook) -> list[Finding]:
    """Every governed document's text and every page in docs/, against the rules above: as
    written, and as its {{ }} and {% %} expressions make it."""
    findings = []
    renderer = PageRenderer(handbook)
    kept = _KeptFindings(handbook)
    readable = [document for document in handbook.documents if document.readable]
    rendered: dict[str, str | None] = {}  # each document as its expressions make it (None: as written)
    for document in readable:  # rendered while loading (a page too long is reported as such, and not read)
        rendered[document.path] = document.rendered if len(document.body) <= MAX_CHARACTERS else None
        if len(document.body) <= MAX_CHARACTERS and isinstance(document.render_problem, TemplateLimit):
            findings.append(_too_much_to_render(document.path, document.render_problem))
    # Each document's text as readers get it, whose headings a link to one of its sections is checked with.
    pages = {d.path: text if (text := rendered[d.path]) is not None else d.body for d in readable}
    for document in readable:
        findings += page_findings(handbook, document.path, document.path, document.body, document.body_first_line,
                                  rendered=rendered[document.path], document=True, kept=kept, pages=pages)
        findings += _title_findings(document)
    for path, (text, first_line) in handbook.site_pages.items():
        page, found = _rendered(renderer, path, text, {}, document=False)
        findings += found + page_findings(handbook, path, path.removeprefix(DOCS_DIR + "/"), text, first_line,
                                          rendered=page, kept=kept, pages=pages)
    kept.save()
    return findings


def _rendered(renderer: PageRenderer, path: str, text: str, meta: dict, document: bool
              ) -> tuple[str | None, list[Finding]]:
    """The page as its {{ }} and {% %} expressions make it (the page functions of docs/ stood in
    for), when it has any and they render. The template check reports an expression that does
    not render; a page too large or too slow to render as a whole is reported here."""
    if len(text) > MAX_CHARACTERS or not has_template_syntax(text):
        return None, []
    problem, rendered = renderer.attempt(text, meta, document=document)
    if isinstance(problem, TemplateLimit):
        return None, [_too_much_to_render(path, problem)]
    return rendered, []


def _too_much_to_render(path: str, problem: TemplateLimit) -> Finding:
    return error(CHECK, path, f"its {{{{ }}}} and {{% %}} expressions cannot all be filled in to check what they print "
                 f"({problem})", "use fewer of them: documents may only show the handbook's facts, such as "
                 "{{ home.name }}")


def _title_findings(document) -> list[Finding]:
    title = document.meta.get("title")
    if isinstance(title, str) and (bidi := _BIDI.search(title)):
        return [error(CHECK, document.path, f"the title holds an invisible character ({_code_point(bidi.group())}) "
                      "that reverses the order the text is shown in, so readers would not see what was reviewed",
                      "delete it (retype the title if you cannot see it)", field="title", line=document.line_of("title"))]
    if isinstance(title, str) and (found := _look_alike(title)):
        return [error(CHECK, document.path, _look_alike_message("the title", found), "retype the word in Latin letters",
                      field="title", line=document.line_of("title"))]
    return []


# Pages already checked, by a digest of (path, site_path, text, first_line, rendered, document):
# their findings, and the link targets asked about with whether each existed. A page depends on
# the handbook only through those answers, so when they are the same (a provider's policy, checked
# in each home's edition; a page unchanged since the last check) so are its findings.
Checked = tuple[list[Finding], dict[str, bool]]
_checked: dict[str, Checked] = {}
CHECKED_KEPT = 8192
# The same, kept between runs in the handbook's cache (handbook/sources/cache.py), one file for
# each home's handbook (a provider's homes are checked in one run): a check or build reads again
# only the pages that changed. Any change to the handbook's code, Python or the libraries
# installed makes every page be read again; code that cannot be hashed keeps nothing.
# The fingerprint is taken as this module is imported: the code read is the code that runs.
CACHE_FINGERPRINT = handbook_code()


KEPT_FINDINGS_MAX = 1000


def _a_question(question: str) -> bool:
    """Whether `question` is one _Targets asks: a JSON list of one or two strings."""
    try:
        asked = json.loads(question)
    except ValueError:
        return False
    return isinstance(asked, list) and len(asked) in (1, 2) and all(isinstance(part, str) for part in asked)


def cache_name(home_id: str | None) -> str:
    return f"content-policy-{home_id}.json" if home_id else "content-policy.json"


class _KeptFindings:
    """The pages checked by the last run, read from the cache once, and this run's pages,
    written back (and nothing else: a page deleted or changed since drops out) when any page
    was read afresh."""

    def __init__(self, handbook: Handbook):
        self.root, self.name = handbook.root, cache_name(handbook.home_id)
        self.before = read_cache(self.root, self.name, CACHE_FINGERPRINT) if CACHE_FINGERPRINT else {}
        self.now: dict[str, dict] = {}

    def get(self, key: str) -> Checked | None:
        stored = self.before.get(key)
        if not isinstance(stored, dict):
            return None
        try:
            asked = {str(question): answer is True for question, answer in stored["asked"].items()}
            if not all(_a_question(question) for question in asked):
                return None
            return [Finding.from_dict(found) for found in stored["findings"]], asked
        except (TypeError, KeyError, ValueError, AttributeError):  # not what keep() writes
            return None

    def keep(self, key: str, checked: Checked) -> None:
        if len(checked[0]) <= KEPT_FINDINGS_MAX:  # a page with thousands is read again rather than kept
            self.now[key] = {"findings": [found.to_dict() for found in checked[0]], "asked": checked[1]}

    def save(self) -> None:
        if CACHE_FINGERPRINT and self.now != self.before:
            write_cache(self.root, self.name, CACHE_FINGERPRINT, self.now)


def page_findings(handbook: Handbook, path: str, site_path: str, text: str, first_line: int = 1,
                  rendered: str | None = None, document: bool = False, kept: _KeptFindings | None = None,
                  pages: Mapping[str, str] | None = None) -> list[Finding]:
    """The findings about one page. `site_path` is where the page is on the site (a page in
    docs/ lives at the site's root), which relative links are resolved from; `rendered` is the
    page as its expressions make it (None if it has none); a governed `document` may not take
    the anchors of the sections the handbook adds to its page. `kept`: the findings of earlier
    runs, reused for an unchanged page whose links lead where they did. `pages`: each governed
    document's text as rendered, whose headings links to its sections are checked against (as
    written, without it)."""
    key = text_hash(json.dumps([path, site_path, text, first_line, rendered, document]))
    targets = _Targets(handbook, site_path, pages or {})
    checked = _checked.get(key) or (kept.get(key) if kept is not None else None)
    if checked is None or any(targets.answer(question) != answer for question, answer in checked[1].items()):
        targets = _Targets(handbook, site_path, pages or {})
        findings = _page_findings(targets, path, text, first_line, document)
        if rendered is not None and rendered != text:
            findings += _rendered_findings(targets, path, text, rendered, first_line, document, findings)
        checked = (findings, dict(targets.asked))
    if len(_checked) >= CHECKED_KEPT:
        _checked.clear()
    _checked[key] = checked
    if kept is not None:
        kept.keep(key, checked)
    return list(checked[0])


def _rendered_findings(targets: _Targets, path: str, text: str, rendered: str, first_line: int, document: bool,
                       found: list[Finding]) -> list[Finding]:
    """What the page's expressions print that its source does not show: each problem of the
    rendered page that the source does not have, on the line of the source that made it."""
    seen = {finding.message for finding in found}
    new = [f for f in _page_findings(targets, path, rendered, 1, document, templates=False) if f.message not in seen]
    if not new:
        return []
    lines = _source_lines(text, rendered)
    return [error(CHECK, path, f"once its {{{{ }}}} and {{% %}} expressions are filled in, {f.message}", f.fix,
                  line=None if f.line is None else lines(f.line) + first_line - 1) for f in new]


def _source_lines(text: str, rendered: str):
    """A function from a line of `rendered` to the line of `text` that made it."""
    source, made = text.splitlines(), rendered.splitlines()
    if len(source) == len(made):
        return lambda line: line
    blocks = difflib.SequenceMatcher(None, source, made, autojunk=False).get_opcodes()

    def line_of(line: int) -> int:
        for _, i1, i2, j1, j2 in blocks:
            if j1 < line <= j2 or (j1 == j2 == line - 1):
                return i1 + min(line - 1 - j1, max(i2 - i1 - 1, 0)) + 1
        return len(source)
    return line_of


def _page_findings(targets: _Targets, path: str, text: str, first_line: int, document: bool = False,
                   templates: bool = True) -> list[Finding]:
    if len(text) > MAX_CHARACTERS:
        return [error(CHECK, path, f"the page is {len(text):,} characters long, more than the {MAX_CHARACTERS:,} a page "
                      "of the handbook may hold", "split it into shorter documents")]
    source = _without_code_and_templates(text, templates)
    targets.as_written = templates
    _line = _LineNumbers(source)
    problems: list[tuple[int, str, str]] = []  # (line in `text`, what is wrong, what to do)
    problems += _text_problems(text, source, _line) + _box_problems(source, _line)

    parser = _RawHtml(targets, document, source.split("\n"))
    try:
        # Nothing after the last ">" can be a complete tag; leaving it out keeps the tokenizer
        # quick on a page full of unclosed "<" (Python's reads those in quadratic time).
        parser.feed(source[:source.rfind(">") + 1])
        parser.close()
    except (AssertionError, ValueError):  # the tokenizer gave up on malformed HTML: say where it stopped
        problems.append((parser.getpos()[0], "the HTML here cannot be read", "correct or remove it"))
    problems += parser.problems + parser.unclosed()

    links: dict[int, tuple[int, bool]] = {}  # where the destination starts -> (where the link starts, an image?)
    for match in matches(_LINK_TEXT_END, "[!", source):
        start, image = links.get(match.end(2), (match.start(), False))
        links[match.end(2)] = (min(start, match.start()), image or bool(match.group(1)))
    for end, (start, image) in links.items():
        problems += _url_problems(targets, _line(start), "the image" if image else "the link",
                                  _destination(source, end), fetched=image)
    pictures = {_label(match.group(2) or match.group(1)) for match in _IMAGE_REFERENCE.finditer(source)
                } if "![" in source else set()
    for match in _REFERENCE.finditer(source) if "]:" in source else ():
        picture = _label(match.group(1)) in pictures
        problems += _url_problems(targets, _line(match.start(2)), "the image" if picture else "the link",
                                  match.group(2).strip("<>"), fetched=picture)
    for match in _AUTOLINK.finditer(source):
        problems += _url_problems(targets, _line(match.start()), "the link", match.group(1))
    for match in _COMMENT.finditer(source) if "<!--" in source else ():
        problems.append((_line(match.start()), "an HTML comment (<!-- -->) is published in the page's source, where "
                         "anyone who opens the page can read it", FIX_COMMENT))
    for match in _DECLARATION.finditer(source) if ("<!" in source or "<?" in source) else ():
        problems.append((_line(match.start()), f"'{_shown(source[match.start():match.start() + 9])}' starts markup "
                         "that is not an element (a declaration or a processing instruction): browsers hide it, and "
                         "read the HTML after it differently from the handbook's checks",
                         "remove it (to show the character <, write &lt;)"))
    ids = parser.ids
    problems += _attribute_list_problems(targets, source, ids)
    # The page's headings, read once for both rules below (a page with none of #, "\n-" or "\n=" has none).
    headings = (heading_lines(source) if (ids or document) and ("#" in source or "\n-" in source or "\n=" in source)
                else [])
    if len(headings) > HEADINGS_READ:
        problems.append((headings[-1][0], f"the page holds more than {HEADINGS_READ:,} headings, more than the site build "
                         "reads in reasonable time (it compares each heading's anchor with every one before it)",
                         f"use fewer: at most {HEADINGS_READ:,} on a page, or split the page"))
    if ids:
        problems += _id_clashes(headings, ids)
    if document:
        problems += _heading_problems(source, headings, _line)

    findings, seen = [], set()
    for line, what, fix in sorted(problems):
        if (line, what) not in seen:
            seen.add((line, what))
            findings.append(error(CHECK, path, what, fix, line=line + first_line - 1))
    return findings


# --- reading the source ---------------------------------------------------------------

class _LineNumbers:
    """The line of a position in a text (binary search over its line breaks)."""

    def __init__(self, text: str):
        self.breaks = [m.start() for m in re.finditer("\n", text)]

    def __call__(self, position: int) -> int:
        return bisect.bisect_left(self.breaks, position) + 1


def _without_code_and_templates(text: str, templates: bool = True) -> str:
    """The text with Jinja tags (unless it is a page as rendered, `templates` False), fenced
    code and code spans replaced by spaces (line breaks kept, so every position keeps its line).
    The text between {% raw %} and {% endraw %} is shown on the page, so it stays."""
    spans = []
    for start, end in page_jinja_spans(text) if templates else ():
        chunk = text[start:end]
        if chunk.startswith("{%") and _RAW.match(chunk) and chunk.rstrip().endswith("%}") and "endraw" in chunk:
            spans += [(start, start + chunk.index("%}") + 2), (start + chunk.rindex("{%"), end)]
        else:
            spans.append((start, end))
    text = blank_spans(text, spans)
    raw = _raw_html_blocks(text) if "<" in text else []
    # Fenced code blocks: from the line that opens one to the line that closes it (or the end).
    # The attribute list of the opening line (```{.text #id}) is kept: superfences gives the
    # block its id and classes, so it is checked like any other.
    spans, fence, opened = [], None, 0
    for match in _FENCE.finditer(text) if "```" in text or "~~~" in text else ():
        if fence is None:
            if _inside(raw, match.start()):
                continue  # in raw HTML, ``` is text and what follows is live
            fence, opened = match.group(1), match.start()
            line_end = text.find("\n", match.end())
            first, last = text.find("{", match.end(), line_end), text.rfind("}", match.end(), line_end)
            if -1 < first < last:
                spans.append((opened, first))
                language = _FIRST_CLASS.search(text, first, last)
                if language and not text[match.end():first].strip():  # ```{.text ...}: the language it is shown as
                    spans.append(language.span())
                opened = last + 1
        elif match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            line_end = text.find("\n", match.end())
            spans.append((opened, len(text) if line_end == -1 else line_end))
            fence = None
    if fence is not None:
        spans.append((opened, len(text)))
    text = blank_spans(text, spans)
    # Code spans: a run of backticks up to the next run of the same length on the same line. Python-
    # Markdown lets one run over lines of a paragraph, but a line can start another block (a list
    # item, a box, raw HTML), where the backticks are no code span and what lies between them is
    # live; so a code span over lines is read as text (its HTML is checked). A backtick after a
    # backslash is a backtick, not the start of a code span.
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text) if text[m.start() - 1:m.start()] != "\\"
            ] if "`" in text else []
    spans, index = [], 0
    while index < len(runs):
        start, end = runs[index]
        length = end - start
        partner = next((j for j in range(index + 1, min(len(runs), index + 200))
                        if runs[j][1] - runs[j][0] == length), None)
        if partner is not None and "\n" not in text[end:runs[partner][0]] and not _inside(raw, start):
            spans.append((start, runs[partner][1]))
            index = partner + 1
        else:
            index += 1
    return blank_spans(text, spans)


def _raw_html_blocks(text: str) -> list[tuple[int, int]]:
    """Where a line opens an HTML element (not one marked `markdown`) up to the line that closes
    it, or the end of the page: Python-Markdown passes such a block on as it is, so backticks and
    ``` in it are text and the HTML around them is live. Read generously: a block taken for raw
    HTML that is not is only checked as text, never left unchecked."""
    blocks: list[tuple[int, int]] = []  # in order and apart: a block starting inside the last one is part of it
    for match in _RAW_BLOCK_START.finditer(text):
        if blocks and match.start() < blocks[-1][1]:
            continue
        close = text.find(f"</{match.group(1)}", match.end())
        line_end = -1 if close == -1 else text.find("\n", close)
        blocks.append((match.start(), len(text) if close == -1 or line_end == -1 else line_end))
    return blocks


def _inside(blocks: list[tuple[int, int]], position: int) -> bool:
    index = bisect.bisect_right(blocks, position, key=lambda block: block[0]) - 1
    return index >= 0 and blocks[index][0] <= position < blocks[index][1]


def _code_point(character: str) -> str:
    return f"U+{ord(character):04X}"


def _look_alike(text: str) -> tuple[int, str, str] | None:
    """(where, the word, the other alphabet) for the first word of Latin letters that holds a
    look-alike letter of another alphabet (Cyrillic, Greek, Armenian), or any word holding a
    letter of an alphabet whose letters look Latin and which these documents never use
    (Cherokee, Lisu, Latin small capitals: "ᏴᏚ1 4ᎠᎫ" reads as a postcode)."""
    for match in _WORD_WITH_OTHER_LETTERS.finditer(text) if not text.isascii() else ():
        alphabets = set()
        for letter in match.group():
            name = unicodedata.name(letter, "")
            if never := never_used_alphabet(letter):
                return match.start(), match.group(), never
            if name.startswith(("CYRILLIC", "ARMENIAN")) or (
                    name.startswith("GREEK") and letter.casefold() in LOOK_ALIKES and letter.casefold() not in IN_DOSES):
                alphabets.add(name.split(" ")[0].title())
            elif name.startswith("LATIN"):
                alphabets.add("Latin")
        if "Latin" in alphabets and len(alphabets) > 1:
            return match.start(), match.group(), min(alphabets - {"Latin"})
    return None


def _look_alike_message(where: str, found: tuple[int, str, str]) -> str:
    _, word, alphabet = found
    return (f"{where} holds the word '{word}', written with {alphabet} letters that look like Latin ones: readers read "
            "the word it looks like, while search and the handbook's checks read another")


def _paragraphs(source: str) -> list[tuple[int, int]]:
    """(start, end) of each stretch of the text between blank lines."""
    breaks = list(_PARAGRAPH_BREAK.finditer(source))
    return list(zip([0] + [b.end() for b in breaks], [b.start() for b in breaks] + [len(source)]))


def _text_problems(text: str, source: str, line_of) -> list[tuple[int, str, str]]:
    """What Python-Markdown cannot read (emphasis or lists nested too deep), and characters
    that reverse the order text is shown in (in code too: the reader sees them reversed there)."""
    problems = []
    if match := _BIDI.search(text):  # the first is enough: the author finds the others as they delete it
        problems.append((text.count("\n", 0, match.start()) + 1,
                         f"this line holds an invisible character ({_code_point(match.group())}) that reverses the "
                         "order the text is shown in, so readers would not see what was reviewed",
                         "delete it (retype the line if you cannot see it)"))
    if found := _look_alike(text):
        problems.append((text.count("\n", 0, found[0]) + 1, _look_alike_message("this line", found),
                         "retype the word in Latin letters"))
    if source.count("*") + source.count("_") > MAX_EMPHASIS_MARKS:
        for start, end in _paragraphs(source):
            marks = source.count("*", start, end) + source.count("_", start, end)
            if marks > MAX_EMPHASIS_MARKS:
                first = _EMPHASIS.search(source, start, end)
                problems.append((line_of(first.start() if first else start),
                                 f"this paragraph holds {marks:,} * and _ marks, more than the {MAX_EMPHASIS_MARKS} "
                                 "the site build can read (it crashes on emphasis nested that deep)",
                                 f"use at most {MAX_EMPHASIS_MARKS} in a paragraph (a line across the page is ---), "
                                 "or split the paragraph"))
    for mark, limit in MAX_OPENERS.items():
        if (count := source.count(mark)) > limit:
            problems.append((line_of(source.index(mark)),
                             f"the page holds {count:,} {mark} marks, more than the {limit:,} the site build reads in "
                             "reasonable time (each one left open makes it read the rest of the paragraph again)",
                             f"use fewer: at most {limit:,} on a page, or split the page"))
    if nested := _NESTED.search(f"\n{source}"):
        problems.append((line_of(nested.start()),
                         f"this line opens more than {MAX_NESTING} lists or quotes inside each other, more than the "
                         "site build can read (it crashes on nesting that deep)",
                         "nest lists and quotes a few levels at most"))
    definitions = list(_DEFINITION.finditer(source))
    if len(definitions) > MAX_DEFINITIONS:
        for start, end in _paragraphs(source):
            inside = [d for d in definitions if start <= d.start() < end]
            if len(inside) > MAX_DEFINITIONS:
                problems.append((line_of(inside[0].start()),
                                 f"this definition list holds {len(inside):,} definitions with no blank line between "
                                 f"them, more than the {MAX_DEFINITIONS} the site build can read (it crashes on a list "
                                 "that long)", "put a blank line between the terms, or split the list"))
    if f"\n{' ' * MAX_INDENT}" in f"\n{source}" or "\t" in source:
        for number, (line, shown) in enumerate(zip(source.split("\n"), text.split("\n")), start=1):
            if line.strip():
                indent = len(shown.expandtabs(4)) - len(shown.expandtabs(4).lstrip(" "))
                if indent > MAX_INDENT:
                    problems.append((number, f"this line is indented by {indent} spaces, more than the {MAX_INDENT} the "
                                     "site build can read (it crashes on lists nested that deep)",
                                     "indent it less: nest lists a few levels at most"))
                    break
    return problems


def _box_problems(source: str, line_of) -> list[tuple[int, str, str]]:
    """A box's words that are not box types (BOX_TYPES): each becomes a class of the box."""
    problems = []
    for match in _BOX.finditer(source) if ("!!!" in source or "???" in source) else ():
        if unknown := [word for word in match.group(1).lower().split() if word not in BOX_TYPES]:
            problems.append((line_of(match.start(1)), f"the box type '{unknown[0]}' is not one of the handbook's: "
                             "each word after !!! or ??? becomes a class of the box, which the theme or the PDF could "
                             "read as one of its own parts", "use one of note, info, tip, warning or danger"))
    return problems


def _destination(text: str, position: int) -> str:
    """A Markdown link's destination, starting at `position` (just after "](")."""
    while position < len(text) and text[position] in " \t\n":
        position += 1
    if text.startswith("<", position):
        end = text.find(">", position, position + 4096)
        return text[position + 1:end if end != -1 else position + 1].split("\n")[0]
    match = _DESTINATION.match(text, position)
    return match.group(0) if match else ""


def _attribute_list_problems(targets: _Targets, source: str, ids: list[tuple[int, str, str]]
                             ) -> list[tuple[int, str, str]]:
    """Attribute lists ({: key="value" } after a heading, a paragraph or a link). attr_list
    reads one from a "{" to the last "}" of its line; every key=value between the first "{"
    and the last "}" of a line is checked, which covers any list it could read. Each id given
    is added to `ids` as (line, id, where)."""
    problems = []
    number, counted = 1, 0  # the line of `counted`, counted on from line to line
    brace = source.find("{")
    while brace != -1:  # each line with a "{" (most have none)
        start = source.rfind("\n", 0, brace) + 1
        end = source.find("\n", brace)
        end = len(source) if end == -1 else end
        brace = source.find("{", end)
        number += source.count("\n", counted, start)
        counted = start
        line = source[start:end]
        first, last = line.find("{"), line.rfind("}")
        if last < first:
            continue
        attributes = [(m.group(1), m.group(2)[1:-1] if m.group(2)[:1] in "\"'" else m.group(2))
                      for m in _ATTRIBUTE.finditer(line, first, last)]
        words = _ATTRIBUTE.sub(lambda m: " " * len(m.group()), line[:last + 1])
        for word in (m.group(1) for m in _WORD.finditer(words, first + 1)):
            # attr_list reads #x as the id, .x as a class, and a word alone as an attribute
            attributes.append(("id", word[1:]) if word[0] == "#" else ("class", word[1:]) if word[0] == "."
                              else (word, None))
        if not targets.as_written and any(value and "<" in value for _, value in attributes):
            # A phone fact's link printed in an attribute list: Python-Markdown puts its HTML back
            # there whole, and its quotes end the attribute (the build's last gate refuses the page).
            problems.append((number, "an attribute list holds HTML, such as the link to call a phone fact prints, "
                             "which the site build cannot keep inside an attribute", "print the fact in the text, "
                             "not in an attribute list"))
            continue
        problems += _attribute_problems(targets, number, "an attribute list", attributes, unescape=True)
        ids += [(number, html.unescape(value), "an attribute list") for name, value in attributes
                if name.lower() == "id" and value]
    return problems


def _id_clashes(found: list[tuple[int, int, str, str]], ids: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """An id a page gives (in HTML or an attribute list) that a heading's anchor or another id
    of the page already has: links to the heading (and the Statement of Purpose's index of
    Schedule 1) would lead to the element instead, and MkDocs renames the heading's anchor."""
    problems = []
    # Each heading (`found`, from heading_lines) by its anchor, and by the anchor its words make
    # (which an id given earlier takes).
    by_anchor = {anchor: (line, text) for line, _, anchor, text in found}
    by_words = {heading_slug(text): (line, text) for line, _, _, text in found}
    first_given: dict[str, int] = {}
    for line, value, where in sorted(ids):
        # (a heading's own {: #id } is its anchor)
        heading = next((h for h in (by_anchor.get(value), by_words.get(value)) if h is not None and h[0] != line), None)
        if heading is not None:
            problems.append((line, f"the id '{_shown(value)}' on {where} is the anchor of the heading "
                             f"'{_shown(heading[1])}', whose links would lead here instead",
                             "give it another id, or remove it"))
        elif first_given.setdefault(value, line) != line:
            problems.append((line, f"the id '{_shown(value)}' on {where} is given twice on the page, so links to it "
                             "could lead to either", "give it another id, or remove it"))
    return problems


class _RawHtml(HTMLParser):
    """The raw HTML in a page: every start tag and its attributes, with its line, and the
    elements opened and not yet closed."""

    def __init__(self, targets: _Targets, document: bool, lines: list[str]):
        super().__init__(convert_charrefs=True)
        self.targets = targets
        self.document = document  # a governed document: its title is the front matter's
        self.lines = lines  # the text fed, by line: whether a tag starts its line
        self.problems: list[tuple[int, str, str]] = []
        self.open: list[tuple[str, int]] = []  # (element, line), innermost last
        self.too_deep = False
        self.ids: list[tuple[int, str, str]] = []  # (line, id, where)
        self.refused_at: int | None = None  # the depth of an open element refused whole: its contents are not said

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs)
        # An element whose end tag HTML lets a page leave out (<li> in a <ul>) need not be closed
        # inside another element, but must be where it is outermost: a <p> left open there makes
        # Python-Markdown pass the rest of the page on as raw HTML, the handbook's Document
        # control and History headings included.
        if tag in VOID_ELEMENTS or not _TAG_NAME.fullmatch(tag):
            return
        if tag in OPTIONAL_END and (self.open or self._inside_a_line()):
            return
        if len(self.open) >= MAX_DEPTH:
            if not self.too_deep:
                self.too_deep = True
                self.problems.append((self.getpos()[0], f"the HTML here is nested more than {MAX_DEPTH} elements "
                                      "deep, more than the site build can read", "nest fewer elements"))
            return
        self.open.append((tag, self.getpos()[0]))

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS or not _TAG_NAME.fullmatch(tag) or self.too_deep:
            return
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]  # and those opened inside it: a browser closes them here too
                if self.refused_at is not None and len(self.open) <= self.refused_at:
                    self.refused_at = None
                return
        if tag in OPTIONAL_END:
            return  # a </p> with no <p> makes an empty paragraph: nothing around the document is closed
        self.problems.append((self.getpos()[0], f"</{tag}> closes an element the document never opened, so it would "
                              "close part of the page around the document", f"remove it, or open <{tag}> before it"))

    def _inside_a_line(self) -> bool:
        """The tag just read has text before it on its line (Python-Markdown passes the rest of
        the page on as HTML only after a tag that starts a line)."""
        line, column = self.getpos()
        return bool(self.lines[line - 1][:column].strip()) if line <= len(self.lines) else False

    def unclosed(self) -> list[tuple[int, str, str]]:
        """Each element opened and never closed."""
        if self.too_deep:
            return []
        return [(line, f"<{tag}> is opened here and never closed, so it would swallow the rest of the page, "
                 "document control included", f"close it with </{tag}>") for tag, line in self.open]

    def _start(self, tag, attrs):
        if not _TAG_NAME.fullmatch(tag):
            return  # not an element: an autolink such as <https://...> or <name@example.org>
        line = self.getpos()[0]
        if self.refused_at is not None:
            return  # inside an element refused whole (the <input> of a <form>, the <path> of an <svg>)
        if tag == "h1" and self.document:
            self.problems.append((line, "<h1> is a title, which the page already has from the front matter: the PDF "
                                  "would list it as a document of its own, and the booklet would hide it",
                                  "make it a section heading: ## and the words"))
        elif tag in HEADINGS:
            self.problems.append((line, f"<{tag}> is a heading written in HTML, which gets no anchor of its own: the "
                                  "page's contents, links to the section and the Statement of Purpose's index "
                                  "cannot find it", f"write it in Markdown: {'#' * int(tag[1])} and the words"))
        elif tag in SHRINKING and (outer := next((t for t, _ in reversed(self.open) if t in SHRINKING), None)):
            self.problems.append((line, f"<{tag}> inside <{outer}> makes text smaller again: nested, text shrinks until "
                                  "readers cannot see it, while the checks and the review still read it",
                                  f"use one <{outer}> alone, not one inside another"))
        elif tag not in PAGE_ELEMENTS:  # refused whole: what its attributes and contents would do is not said
            self.problems.append((line, f"<{tag}> is not allowed in a document", FIX_ELEMENT))
            if tag not in VOID_ELEMENTS:
                self.refused_at = len(self.open)
            return
        href = dict(attrs).get("href") if tag == "a" else None
        if href and not href.startswith("#") and not _SCHEME.match(href):
            # MkDocs turns only Markdown links into pages' addresses (and the public website's into
            # text where the page is kept for staff): in HTML the link breaks, and names the file.
            self.problems.append((line, f'<a href="{href}"> links to a file of the handbook in HTML, which the site '
                                  "does not turn into the page's address",
                                  f"write the link in Markdown instead: [the link's words]({href})"))
        column = self.getpos()[1]
        fact_link = tag == "a" and not self.targets.as_written and line <= len(self.lines) and any(
            self.lines[line - 1].startswith(link, column) for link in self.targets.handbook.home.phone_links)
        self.problems.extend(_attribute_problems(self.targets, line, f"<{tag}>", attrs, unescape=False,
                                                 fact_link=fact_link))
        self.ids += [(line, value, f"<{tag}>") for name, value in attrs if (name or "").lower() == "id" and value]

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs)  # <x />: opened and closed at once


def _attribute_problems(targets: _Targets, line: int, where: str, attributes, unescape: bool, fact_link: bool = False
                        ) -> list[tuple[int, str, str]]:
    """What is wrong with an element's attributes; `fact_link`: the element is, whole, the link to
    call a phone fact prints (on the page as rendered), whose href alone may call."""
    problems = []
    for name, value in attributes:
        name = (name or "").lower()
        value = "" if value is None else (html.unescape(value) if unescape else value)
        if name.startswith("on"):
            problems.append((line, f"the {name} attribute on {where} would run a script",
                             "remove it: documents may not run scripts"))
        elif name in ("id", "name") and value:
            problems += _id_problems(line, name, value, where)
        elif name == "class":
            theirs = [c for c in value.split() if c not in ALLOWED_CLASSES]
            if theirs:
                named = (f"the class '{theirs[0]}' on {where} is" if len(theirs) == 1 else
                         f"the classes {', '.join(repr(c) for c in theirs)} on {where} are")
                problems.append((line, f"{named} not one a page may use: the theme's and the handbook's style sheets "
                                 "and scripts use their classes to hide, move or restyle parts of the page and the PDF",
                                 "remove it (a page may use only md-button and md-button--primary, which show a link "
                                 "as a button, grid and cards, Material's grid of cards, and tel, a phone number's link)"))
        elif name.startswith(THEME_DATA_PREFIX):
            problems.append((line, f"the {name} attribute on {where} is one of the theme's own, by which its scripts "
                             "find the parts of the page they work on", "remove it"))
        elif name == "dir" and value.strip().lower() not in ALLOWED_DIRECTIONS:
            problems.append((line, f'the dir="{value}" attribute on {where} shows the text in another order than it '
                             "is written (15 30 60 reads 60 30 15), so readers would not see what was reviewed",
                             'remove it (dir="ltr" may stay)'))
        elif name == "data-search-exclude":
            problems.append((line, f"the data-search-exclude attribute on {where} keeps the text out of the site's "
                             "search, so staff searching for it would not find it", "remove it"))
        elif name == "data-toc-label":
            problems.append((line, f"the data-toc-label attribute on {where} gives a heading other words in the "
                             "page's contents than the words readers see under it", "remove it: the contents list "
                             "shows the heading's own words"))
        elif name == "hidden":
            problems.append((line, f"the hidden attribute on {where} hides text from readers, while search and the "
                             "inspectors' PDF still show it", "remove it: everything a document holds is for its "
                             "readers to see (a collapsible ??? box keeps text out of the way)"))
        elif name == "style":
            problems.append((line, f"the style attribute on {where} changes how the page looks",
                             "remove it: the handbook's theme decides how pages look"))
        elif name == "rel" and "attachment" in value.lower().split():
            problems.append((line, f'rel="attachment" on {where} would attach a file to the inspectors\' PDF',
                             "remove it; an ordinary link is enough"))
        elif name in ("type", "reversed") and where == "<ol>":
            problems.append((line, f"the {name} attribute on <ol> numbers the list differently on the site and in the "
                             "PDF", "remove it (start= may stay)"))
        elif name in ("srcset", "imagesrcset"):
            for candidate in value.split(","):
                problems += _url_problems(targets, line, f"the {name} of {where}", candidate.strip().split(" ")[0],
                                          fetched=True)
        elif name == "ping":
            for url in value.split():
                problems += _url_problems(targets, line, f"the ping of {where}", url)
        elif name in URL_ATTRIBUTES:
            problems += _url_problems(targets, line, f"the {name} of {where}", value, fetched=name in FETCHED,
                                      fact_link=fact_link and name == "href")
    return problems


def _id_problems(line: int, name: str, value: str, where: str) -> list[tuple[int, str, str]]:
    if not ANCHOR.fullmatch(value):
        return [(line, f"the {name} '{_shown(value)}' on {where} holds more than letters, digits, - and _: ids are "
                 "printed into links as they are (the page's contents list, the theme's links), where a quote or a space "
                 "would end the link",
                 f"give it {'an id' if name == 'id' else 'a name'} of letters, digits, - and _ only, such as "
                 "what-staff-do, or remove it")]
    if value.startswith(THEME_ID_PREFIX):
        return [(line, f"the {name} '{value}' on {where} starts with {THEME_ID_PREFIX}, which the theme keeps for its "
                 "own parts (its scripts read their settings from the element with the id __config)",
                 f"give it {'an id' if name == 'id' else 'a name'} that does not start with {THEME_ID_PREFIX}, "
                 "or remove it")]
    if value in DOCUMENT_ANCHORS:
        return [(line, f"the {name} '{value}' on {where} is the anchor of the {DOCUMENT_ANCHORS[value]} section the "
                 "handbook adds to every document's page, whose links would lead here instead",
                 f"give it another {name}, or remove it")]
    return []


def _nested_headings(source: str) -> list[tuple[int, int, str]]:
    """(where its words start, level, words) for each heading inside a list, a quote or a box:
    written with # signs, or underlined with = (level 1) or - (level 2) inside the same quote
    or indentation as its words."""
    nested = [(match.start(2), len(match.group(1)), match.group(2))
              for match in (_NESTED_HEADING.finditer(source) if "#" in source else ())]
    for underline in _UNDERLINE.finditer(source):
        above_start = source.rfind("\n", 0, underline.start()) + 1
        above = _UNDERLINED_TEXT.fullmatch(source, above_start, underline.start())
        if above is not None and (">" in above.group(1)) == (">" in underline.group(1)):
            nested.append((above.start(2), 1 if underline.group(2) == "=" else 2, above.group(2)))
    return sorted(nested)


def _heading_problems(source: str, found: list[tuple[int, int, str, str]], _line) -> list[tuple[int, str, str]]:
    """A governed document's own heading (`found`, from heading_lines) may not be a title (its
    title is in the front matter) nor take an anchor of the page's own sections."""
    problems = []
    lines = source.split("\n")
    own_anchors = {heading_slug(text) for _, _, _, text in found}
    for position, level, words in _nested_headings(source):
        # A heading inside a list or a quote (- ## History): its anchor is made unique, but its
        # words still show in the page's contents and the PDF's bookmarks as the section's own.
        line, text, anchor = _line(position), _TAGS.sub("", words).strip(), heading_slug(words)
        inside = f"the heading '{_shown(text)}' inside a list, a quote or a box"
        if anchor in own_anchors:
            problems.append((line, f"{inside} has the words of another heading of the page, whose anchor it would "
                             "take: links to that heading (and the Statement of Purpose's index of Schedule 1) would "
                             "lead here", "reword it, or make it bold text instead of a heading"))
            continue
        if level == 1:
            problems.append((line, f"{inside} is a title, which the page already has from the front matter",
                             "make it bold text instead of a heading"))
        elif anchor.startswith(THEME_ID_PREFIX):
            problems.append((line, f"{inside} would take an anchor starting with {THEME_ID_PREFIX}, which the theme "
                             "keeps for its own parts", f"reword it so it does not start with {THEME_ID_PREFIX}"))
        elif anchor in DOCUMENT_ANCHORS:
            problems.append((line, f"{inside} would show in the page's contents and the PDF's bookmarks as the "
                             f"{DOCUMENT_ANCHORS[anchor]} section the handbook adds to every document's page",
                             "reword it, or make it bold text instead of a heading"))
    # The anchors headings take by their own words (not by an id of their own): a later heading of the
    # same words is given another.
    same_words = {anchor for _, _, anchor, text in found if heading_slug(text) == anchor}
    for line, level, anchor, text in found:
        if level == 1:
            problems.append((line, f"the heading '{_shown(text)}' is a title (# or a line of =), which the page "
                             "already has from the front matter: the PDF would list it as a document of its own, and "
                             "the booklet would hide it", "make it a section heading: ## and the words"))
            continue
        if f"#{anchor}" in lines[line - 1][len(text):]:
            continue  # an id of its own ({: #id }): the attribute list's is reported
        slug = heading_slug(text)
        if anchor != slug and slug in same_words and len(found) <= HEADINGS_READ:  # beyond, the page is refused
            # Two headings of the same words: a heading added above another took its anchor, and the
            # home page's "A child is missing" button landed on the new one (a fifth attacker's review).
            problems.append((line, f"the heading '{_shown(text)}' has the words of an earlier heading of the page, "
                             f"so links to #{slug} (from other pages, and the home page's buttons) lead to whichever "
                             "comes first", "give each heading its own words"))
            continue
        if anchor.startswith(THEME_ID_PREFIX) or text.startswith(THEME_ID_PREFIX):
            problems.append((line, f"the heading '{_shown(text)}' would take an anchor starting with "
                             f"{THEME_ID_PREFIX}, which the theme keeps for its own parts",
                             f"reword the heading so it does not start with {THEME_ID_PREFIX}"))
        elif anchor in DOCUMENT_ANCHORS:
            problems.append((line, f"the heading '{_shown(text)}' would take the anchor #{anchor}, which the handbook "
                             f"keeps for the {DOCUMENT_ANCHORS[anchor]} section it adds to every document's page",
                             "reword the heading (the handbook adds its own "
                             f"{DOCUMENT_ANCHORS[anchor]} section at the end of the page)"))
    return problems


# --- where a link leads -----------------------------------------------------------------

class _Targets:
    """What a relative link from one page may lead to: governed documents, the pages and
    files in docs/ (which live at the site's root) and the files the build makes; and, in a
    governed document, the sections (anchors) it has. Each question asked and its answer are kept
    (`asked`, the question as a JSON list: [target] or [target, anchor]), so a page's findings can
    be reused while every answer is the same."""

    def __init__(self, handbook: Handbook, site_path: str, pages: Mapping[str, str]):
        self.site_path = site_path
        self.pages = pages  # each governed document's text as rendered
        self.folder = posixpath.dirname(site_path)  # where its relative links start from
        self.handbook = handbook
        self.site_files = handbook.site_files
        self.asked: dict[str, bool] = {}
        self.as_written = True  # the page as its author wrote it; False: as its {{ }} expressions make it

    def example(self) -> str:
        """A link to the complaints policy as written on this page (a provider's home's page is
        written as if it were in the single home's folders)."""
        return posixpath.relpath("policies/complaints.md", posixpath.dirname(shared_path(self.site_path)) or ".")

    def exists(self, target: str) -> bool:
        return self.answer(json.dumps([target]))

    def has_anchor(self, target: str, anchor: str) -> bool:
        return self.answer(json.dumps([target, anchor]))

    def answer(self, question: str) -> bool:
        if question not in self.asked:
            asked = json.loads(question)
            self.asked[question] = self._exists(asked[0]) if len(asked) == 1 else self._has_anchor(*asked)
        return self.asked[question]

    def _exists(self, target: str) -> bool:
        if target.lower().startswith("tel:"):  # a link to call: written as a phone fact writes it (digits and +
            # alone), so the check reads the number a phone dials: "tel:0800(0)1111" dials 0800 01111
            return target[4:] in self.handbook.home.phones
        return (self.handbook.linked_document(target) is not None or target in self.site_files
                or target in GENERATED_FILES or f"{target}/index.md" in self.site_files)

    def _has_anchor(self, target: str, anchor: str) -> bool:
        """Whether `anchor` is a section of the governed document at `target` (its headings', the
        sections the handbook adds, or an id it gives an element); any anchor of another page."""
        path = self.handbook.linked_document(target)
        document = self.handbook.document(path) if path is not None else None
        if document is None or anchor in DOCUMENT_ANCHORS or anchor == "top":  # #top: the page's top, in HTML
            return True
        if anchor in _anchors_of(self.pages.get(document.path, document.body)):
            return True
        name = re.escape(anchor) + r"(?![\w-])"  # in an attribute list ({: #name }) or an element's id="name"
        own_id = rf"\{{[^}}\n]*#{name}[^}}\n]*\}}|\bid\s*=\s*[\"']?{name}"
        return re.search(own_id, document.body) is not None


@functools.lru_cache(maxsize=256)  # many pages link to the sections of a few documents
def _anchors_of(text: str) -> frozenset[str]:
    return frozenset(heading_anchors(text))


def _shown(url: str) -> str:
    """A link's address as a message shows it: on one line, at most 80 characters."""
    shown = " ".join(url.split())
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _label(words: str) -> str:
    """A reference's label as Markdown matches it: case and spacing aside."""
    return " ".join(words.split()).casefold()


def _url_problems(targets: _Targets, line: int, what: str, url: str, fetched: bool = False, fact_link: bool = False
                  ) -> list[tuple[int, str, str]]:
    """What is wrong with `url`, the address of a link or, `fetched`, of a picture or other file
    the page shows (which must be a file of the handbook)."""
    cleaned = _INVISIBLE.sub("", html.unescape(url)).replace("\\", "/")
    if fetched and (marks := sorted({mark for mark in "#?" if mark in cleaned})):
        return [(line, f"{what} '{_shown(url)}' holds {' and '.join(marks)}: the theme shows a picture whose address "
                 "ends in #only-light or #only-dark in one colour scheme only, so readers would not all see the same",
                 FIX_PICTURE)]
    anchor = unquote(cleaned.partition("#")[2])
    if not cleaned or cleaned.startswith(("#", "?")):  # this page itself
        return _anchor_problems(targets, line, what, url, targets.site_path, anchor)
    scheme = _SCHEME.match(cleaned)
    if scheme:
        name = scheme.group(1).lower()
        if name in ALLOWED_SCHEMES and fetched:
            return [(line, f"{what} '{_shown(url)}' is not a file of the handbook: a picture from another address "
                     "shows whatever is there on the day, and tells that site who is reading", FIX_PICTURE)]
        if name == "tel" and not targets.exists(cleaned):
            return [(line, f"{what} '{_shown(url)}' calls a number that is none of the home's phone facts: its words "
                     "could name one service while it calls another", FIX_TEL)]
        if name == "tel" and not fact_link:  # only a phone fact makes a link to call, its number its words
            return [(line, f"{what} '{_shown(url)}' is a link to call that no phone fact printed: its words could "
                     "name one service while it calls another", FIX_TEL)]
        if name in ALLOWED_SCHEMES:
            return []
        return [(line, f"{what} '{_shown(url)}' uses {name}:, which documents may not use", FIX_URL)]
    if cleaned.startswith("//"):
        return [(line, f"{what} '{_shown(url)}' leaves out https: before //", "write the address in full, starting "
                 "with https://")]
    if cleaned.startswith("/"):
        return [(line, f"{what} '{_shown(url)}' starts with /, so it does not say which page of the handbook it leads to",
                 f"write the path relative to this page, for example {targets.example()}")]
    path = unquote(_QUERY.split(cleaned, maxsplit=1)[0])
    if not path:
        return []
    target = posixpath.normpath(posixpath.join(targets.folder, path))
    if target == ".." or target.startswith("../"):
        return [(line, f"{what} '{_shown(url)}' leads outside the handbook", FIX_URL)]
    if not targets.exists(target):
        return [(line, f"{what} '{_shown(url)}' does not lead to a document, page or file of the handbook",
                 f"check the path: write it relative to this page, for example {targets.example()}")]
    if fetched and posixpath.splitext(target)[1].lower() not in PICTURE_FORMATS:
        return [(line, f"{what} '{_shown(url)}' is not a picture ({', '.join(PICTURE_FORMATS)}): the PDF would print "
                 "its description (alt text) in its place, where the site shows a broken picture", FIX_PICTURE)]
    return [] if fetched else _anchor_problems(targets, line, what, url, target, anchor)


def _anchor_problems(targets: _Targets, line: int, what: str, url: str, target: str, anchor: str
                     ) -> list[tuple[int, str, str]]:
    """A link to a section (#anchor) of a governed document that has no such section: the reader
    lands at the top of the page, not on the step the link promised."""
    if not anchor or targets.has_anchor(target, anchor):
        return []
    return [(line, f"{what} '{_shown(url)}' leads to a section the page does not have (#{_shown(anchor)}): readers "
             "would land at the top of the page", "copy the section's address from its heading's ¶ link on the page "
             "(the heading's words in lower case, joined by hyphens), or link to the page alone")]

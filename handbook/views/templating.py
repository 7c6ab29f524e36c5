"""The handbook's own templates (handbook/views/templates): trusted markup, fed by plain data.

One environment, with `StrictUndefined` (a misspelt field is an error, never an empty cell)
and autoescaping for HTML templates (`*.html`). Markdown templates (`*.md`) escape every
value with the `text` filter: the one rule for text inside Markdown, including table cells.
These templates are never given to documents: documents render in the sandbox of
handbook/loading/rendering.py."""

from __future__ import annotations

import html
import itertools
import posixpath
import re
import secrets
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from handbook.model.findings import one_line
from handbook.model.reserved import DOCUMENT_CONTROL, HISTORY, SCHEDULE_1_INDEX
from handbook.sources.clock import long_date

TEMPLATES = Path(__file__).resolve().parent / "templates"


# What Markdown would read as syntax in the middle of a line: code, emphasis, links and images
# ([ ]), attribute lists ({ }); escaped with a backslash, as Python-Markdown allows.
_MARKDOWN_MARKS = re.compile(r"([\\`*~\[\]{}])")
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# What GitHub, which shows the reviewer's summary, makes a link or a notice of in plain text (the
# site does not): an address (https://, www.) and a mention (@team, which notifies people). Each is
# written with a character reference, which reads the same.
# So are an emoji's short name (:white_check_mark: shows a tick), a reference to an issue (#12,
# octo/repo#3) and mathematics between dollar signs (an attacker's review).
_GITHUB_AUTOLINKS = re.compile(r"@|://|\bwww\.|:(?=[a-z0-9_+-]+:)|#(?=\d)|\$", re.IGNORECASE)
_AUTOLINK_BROKEN = {"@": "&#64;", "://": "&#58;//", ":": "&#58;", "#": "&#35;", "$": "&#36;"}  # and www. as www&#46;


def markdown_text(value: object) -> str:
    """Text to show as it is inside Markdown (a paragraph, a list item or a table cell): HTML
    is escaped, so a title can never become markup; no character starts emphasis or code; and
    `|` and line breaks cannot break a table row. Every kind of line break (a lone carriage
    return ends a line in CommonMark, which GitHub shows the reviewer's summary with) becomes a
    space, so a value can never start a line of its own: a heading, a list item. Any other
    control character is shown escaped (\\x1b), so none can move a terminal's cursor and
    overwrite what `make review` printed."""
    text = html.escape(one_line(" ".join(str(value).split())), quote=False)
    text = _EDGE_UNDERSCORE.sub(r"\\_", _MARKDOWN_MARKS.sub(r"\\\1", text))
    text = _GITHUB_AUTOLINKS.sub(lambda found: _AUTOLINK_BROKEN.get(found.group(0), found.group(0)[:3] + "&#46;"), text)
    return text.replace("|", "&#124;")


def markdown_text_with_marks_shown(value: object) -> str:
    """markdown_text, with each invisible formatting character (a zero-width space, a soft hyphen,
    a word joiner: Unicode's "Cf") shown as its code point, [U+200B]: for the reviewer's summary,
    where a sentence changed by one of them alone would read the same removed and added."""
    text = str(value)
    if not text.isascii():
        text = "".join(f"[U+{ord(c):04X}]" if unicodedata.category(c) == "Cf" else c for c in text)
    return markdown_text(text)


_BACKTICKS = re.compile(r"`+")


def markdown_code(value: object) -> str:
    """Text shown as code inside Markdown (a file name, a fact's place in data/home.yml): one code
    span, fenced with more backticks than any run of them in the text, so no character in it can
    end the span and become markup (Markdown escapes HTML inside a code span)."""
    text = one_line(" ".join(str(value).splitlines()))
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_url(value: object) -> str:
    """An address inside a Markdown link's brackets: percent-encoded, so no character in it can
    end the link, start an attribute list ({: ... }) or HTML. Addresses come from the data files
    and the handbook's own links; the data files' schemas already allow only plain ones."""
    return quote(str(value), safe="/:#?=&%._~-")


def and_list(items: Iterable[object]) -> str:
    """"a", "a and b", "a, b and c"."""
    words = [str(item) for item in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def full_stop(text: object) -> str:
    text = str(text).rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


@lru_cache(maxsize=65536)  # the same links are made on thousands of pages (to the regulation map, the topics)
def link_from(page_path: str, target_path: str) -> str:
    """A relative link from one source file to another, percent-encoded (a file name may hold
    spaces, quotes or brackets)."""
    return quote(posixpath.relpath(target_path, posixpath.dirname(page_path) or "."), safe="/#")


def built_url(link: str) -> str:
    """A relative link to a source file as MkDocs writes it in the built page, with
    `use_directory_urls: false` (mkdocs.yml): "../policies/x.md#a" -> "../policies/x.html#a".
    For links in ready HTML, which MkDocs does not rewrite."""
    path, hash_mark, anchor = link.partition("#")
    return (path.removesuffix(".md") + ".html" if path.endswith(".md") else path) + hash_mark + anchor


def page_url(page_path: str, target_path: str) -> str:
    """The address of the page built from `target_path`, relative to the page built from `page_path`."""
    return built_url(link_from(page_path, target_path))


def html_text(value: object) -> Markup:
    """Text in ready HTML, escaped as Python-Markdown escapes text (quotes are left as they are)."""
    return Markup(html.escape(str(value), quote=False))


def inline_html(caller) -> Markup:
    """`{% call ready_html() %}...{% endcall %}` where nothing collects ready HTML (the PDF):
    the block stays where it is written."""
    return Markup(caller())


class ReadyHtml:
    """Ready HTML kept out of a page's Markdown. Python-Markdown reads every raw HTML block with
    its HTML parser, and Material's search reads the page's HTML again: at thousands of pages,
    tables that are already HTML cost seconds to read for nothing. A template marks such a
    block with `{% call ready_html() %}...{% endcall %}`; given a ReadyHtml as `ready_html`, the
    block is kept here and a placeholder stands in its place, one empty element that Markdown
    passes through as it is. `take` hands over the blocks made so far; `fill` puts them back
    into the page's HTML. Each placeholder carries a random value made for this ReadyHtml, so
    no document can write one."""

    def __init__(self) -> None:
        self._nonce = secrets.token_hex(12)
        self._numbers = itertools.count()
        self._blocks: dict[str, str] = {}

    def __call__(self, caller) -> Markup:
        block = str(caller())
        placeholder = f'<div data-handbook-ready="{self._nonce}-{next(self._numbers)}"></div>'
        self._blocks[placeholder] = block.strip("\n")
        # the placeholder takes the block's place exactly, blank lines around it included
        return Markup(block[:len(block) - len(block.lstrip("\n"))] + placeholder
                      + block[len(block.rstrip("\n")):])

    def take(self) -> dict[str, str]:
        blocks, self._blocks = self._blocks, {}
        return blocks

    def fill(self, page_html: str, blocks: dict[str, str]) -> tuple[str, bool]:
        """The page's HTML with each block in its placeholder's place, and whether every one
        of `blocks` was placed and no placeholder is left (False when the page's own text kept
        one out of reach, for example in a code block it leaves open)."""
        placed = True
        for placeholder, block in blocks.items():
            placed = placed and placeholder in page_html
            page_html = page_html.replace(placeholder, block, 1)
        return page_html, placed and not self.left_in(page_html)

    def left_in(self, page_html: str) -> bool:
        """Whether the page still holds a placeholder of this ReadyHtml (as it is, or escaped)."""
        return self._nonce in page_html


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_environment.filters.update(text=markdown_text, text_marks_shown=markdown_text_with_marks_shown, code=markdown_code,
                            url=markdown_url, long_date=long_date, and_list=and_list, full_stop=full_stop,
                            html_text=html_text, built_url=built_url)
# The anchors of the headings the handbook adds to a document's page, which no document may take.
_environment.globals.update(link_from=link_from, ready_html=inline_html,
                            anchors={"document_control": DOCUMENT_CONTROL, "history": HISTORY,
                                     "schedule_1_index": SCHEDULE_1_INDEX})


def render(template: str, **data: object) -> str:
    return _environment.get_template(template).render(**data)

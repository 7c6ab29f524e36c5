"""One PDF of the inspectors' edition: a cover (home, date, commit), contents with page
numbers, every document with its document control, the Schedule 1 index and the
regulation map. The Markdown is converted with the site's own extensions and the PDF is
laid out by WeasyPrint (which computes the page numbers in the contents)."""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

import markdown

from handbook.loading.rendering import render_text
from handbook.model.documents import Document
from handbook.model.handbook import Handbook
from handbook.sources.clock import long_date
from handbook.views.pages import REGULATION_MAP, document_control, regulation_map, section_index

KIND_ORDER = {"statement-of-purpose": 0, "childrens-guide": 1, "policy": 2, "procedure": 2}
MAP_ID = "regulation-map"

STYLE = """
@page { size: A4; margin: 22mm 18mm 20mm 18mm;
  @top-left { content: var(--running); font-size: 8pt; color: #444; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #444; } }
@page :first { @top-left { content: none; } @bottom-right { content: none; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; color: #111; }
.headerlink { display: none; }
.cover { page-break-after: always; padding-top: 60mm; }
.cover h1 { font-size: 26pt; margin-bottom: 4mm; }
.cover p { font-size: 12pt; }
nav.contents { page-break-after: always; }
nav.contents ol { list-style: none; padding: 0; }
nav.contents a { color: #111; text-decoration: none; }
nav.contents a::after { content: leader(".") target-counter(attr(href), page); }
section.part { page-break-before: always; }
section.part > h1 { bookmark-level: 1; font-size: 18pt; }
h2 { bookmark-level: 2; font-size: 13pt; margin-top: 6mm; }
h3 { bookmark-level: none; font-size: 11pt; }
table { border-collapse: collapse; width: 100%; margin: 3mm 0; font-size: 9pt; }
th, td { border: 1px solid #999; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
.admonition, details { border-left: 3px solid #3f51b5; padding: 1mm 4mm; margin: 3mm 0; background: #f3f4fb; }
.admonition.danger, .admonition.failure { border-color: #b71c1c; background: #fdecea; }
.admonition.warning { border-color: #8a6100; background: #fff6dd; }
.admonition-title, summary { font-weight: bold; }
a { color: #1a237e; }
.review-badge { font-weight: bold; }
"""


def _markdown_converter(root: Path) -> markdown.Markdown:
    """The same Markdown extensions and settings as the site (read from mkdocs.yml)."""
    from mkdocs.config import load_config  # noqa: PLC0415 - only the PDF needs the site's configuration

    config = load_config(str(root / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)



def _relink(fragment: str, prefix: str, source_path: str, ids_by_path: dict[str, str]) -> str:
    """Make ids unique per part and turn links between pages into links inside the PDF."""
    fragment = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}--{m.group(1)}"', fragment)

    def target(match: re.Match) -> str:
        href = html.unescape(match.group(1))
        if re.match(r"^[a-z]+:", href):  # http:, https:, mailto:, tel:
            return match.group(0)
        path, _, anchor = href.partition("#")
        if not path:
            return f'href="#{prefix}--{anchor}"'
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), unquote(path)))
        if resolved == REGULATION_MAP:
            part = MAP_ID
        elif resolved in ids_by_path:
            part = ids_by_path[resolved]
        else:
            return ""  # a page that is not in the PDF: keep the text, drop the link
        return f'href="#{part}--{anchor}"' if anchor else f'href="#{part}"'

    return re.sub(r'href="([^"]*)"', target, fragment)


def _document_part(handbook: Handbook, document: Document, converter: markdown.Markdown, ids: dict) -> str:
    text = document_control(handbook, document) + section_index(handbook, document) + render_text(handbook, document)
    body = converter.reset().convert(text)
    body = _relink(body, document.id, document.path, ids)
    return (f'<section class="part" id="{document.id}"><h1>{html.escape(document.title)}</h1>\n{body}</section>')


def handbook_html(handbook: Handbook, commit: str, stamp: str) -> str:
    converter = _markdown_converter(handbook.root)
    documents = sorted(handbook.documents, key=lambda d: (KIND_ORDER.get(d.kind, 3), d.title.lower()))
    ids = {d.path: d.id for d in documents}
    parts = [_document_part(handbook, d, converter, ids) for d in documents]
    map_html = _relink(converter.reset().convert(regulation_map(handbook, page=REGULATION_MAP)), MAP_ID,
                       REGULATION_MAP, ids)
    parts.append(f'<section class="part" id="{MAP_ID}"><h1>Regulation map</h1>\n{map_html}</section>')
    contents = "".join(f'<li><a href="#{d.id}">{html.escape(d.title)}</a></li>' for d in documents)
    contents += f'<li><a href="#{MAP_ID}">Regulation map</a></li>'
    name = html.escape(str(handbook.home.facts["name"]))
    day = handbook.today.isoformat()
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>{name} handbook: inspector copy</title>
<meta name="author" content="{name}">
<meta name="dcterms.created" content="{day}T00:00:00Z">
<meta name="dcterms.modified" content="{day}T00:00:00Z">
<style>{STYLE.replace("var(--running)", _css_string(f"{name} handbook: {stamp}"))}</style></head>
<body>
<div class="cover">
<h1>{name} handbook</h1>
<p>Statement of Purpose, children's guide, policies and procedures: the copy for inspectors.</p>
<p>{html.escape(stamp)}.</p>
<p>Made from commit {html.escape(commit)} of the handbook's repository, on {long_date(handbook.today)}.</p>
</div>
<nav class="contents"><h1>Contents</h1><ol>{contents}</ol></nav>
{"".join(parts)}
</body></html>"""


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_pdf(handbook: Handbook, commit: str, stamp: str, path: Path) -> None:
    import weasyprint  # noqa: PLC0415 - heavy (Pango, fonts): loaded only when a PDF is made

    weasyprint.HTML(string=handbook_html(handbook, commit, stamp), base_url=str(handbook.root)).write_pdf(path)

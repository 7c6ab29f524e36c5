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
from handbook.views.document_page import REGULATION_MAP, document_details, document_top
from handbook.views.site_pages import regulation_map
from handbook.views.templating import TEMPLATES, render

KIND_ORDER = {"statement-of-purpose": 0, "childrens-guide": 1, "policy": 2, "procedure": 2}
MAP_ID = "regulation-map"




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


def _document_part(handbook: Handbook, document: Document, converter: markdown.Markdown,
                   ids: dict) -> tuple[str, str, str]:
    text = (document_top(handbook, document) + render_text(handbook, document)
            + document_details(handbook, document, show_editors=False))
    body = converter.reset().convert(text)
    body = _relink(body, document.id, document.path, ids)
    return document.id, document.title, body


def handbook_html(handbook: Handbook, commit: str, stamp: str) -> str:
    converter = _markdown_converter(handbook.root)
    documents = sorted(handbook.documents, key=lambda d: (KIND_ORDER.get(d.kind, 3), d.title.lower()))
    ids = {d.path: d.id for d in documents}
    parts = [_document_part(handbook, d, converter, ids) for d in documents]
    map_html = _relink(converter.reset().convert(regulation_map(handbook, page=REGULATION_MAP)), MAP_ID,
                       REGULATION_MAP, ids)
    parts.append((MAP_ID, "Regulation map", map_html))
    contents = [(d.id, d.title) for d in documents] + [(MAP_ID, "Regulation map")]
    facts = handbook.home.facts
    return render("pdf.html", home=str(facts["name"]), stamp=stamp, reference=commit, today=handbook.today,
                  registration=handbook.home.registration, urn=str(facts["ofsted_urn"]),
                  manager=str(facts["registered_manager"]["name"]), contents=contents, parts=parts,
                  style=(TEMPLATES / "pdf.css").read_text(encoding="utf-8"))


def write_pdf(handbook: Handbook, commit: str, stamp: str, path: Path) -> None:
    import weasyprint  # noqa: PLC0415 - heavy (Pango, fonts): loaded only when a PDF is made

    # Tagged (PDF/UA-1): a screen reader follows its structure, headings and tables.
    weasyprint.HTML(string=handbook_html(handbook, commit, stamp), base_url=str(handbook.root)).write_pdf(
        path, pdf_variant="pdf/ua-1", pdf_tags=True)

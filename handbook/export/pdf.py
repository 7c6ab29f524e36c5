"""One PDF of the inspectors' edition: a cover (home, date, commit), contents with page
numbers, every document with its document control, the Schedule 1 index and the
regulation map. The Markdown is converted with the site's own extensions and the PDF is
laid out by WeasyPrint (which computes the page numbers in the contents).

The PDF takes only what the handbook made: each part's HTML passes the same sanitiser gate as
the site's pages; pictures are read from the built copy only (WeasyPrint's URL fetcher refuses
anything else: files elsewhere on the machine, web addresses, data: URLs); and a PDF with an
embedded file is never written."""

from __future__ import annotations

import html
import mimetypes
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown

from handbook.loading.rendering import render_text
from handbook.model.documents import Document
from handbook.model.handbook import Handbook
from handbook.sources.clock import long_date
from handbook.sources.errors import HandbookError
from handbook.views.pages import REGULATION_MAP, document_control, regulation_map, section_index
from handbook.views.safe_html import removed_by_sanitiser

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



_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*\s*/?>""")
_ATTRIBUTE = re.compile(r'(?<![\w-])(id|href|src)="([^"]*)"')


class RefusedInPdf(HandbookError):
    pass


def _relink(fragment: str, prefix: str, source_path: str, ids_by_path: dict[str, str], site: Path) -> str:
    """Make ids unique per part, turn links between pages into links inside the PDF, and point
    each picture at its file in the built copy. Only tags are touched, never the text."""

    def target(href: str) -> str | None:
        if re.match(r"^[a-z]+:", href):  # http:, https:, mailto:, tel: (the sanitiser allowed only these)
            return href
        path, _, anchor = href.partition("#")
        if not path:
            return f"#{prefix}--{anchor}"
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), path))
        if resolved == REGULATION_MAP:
            part = MAP_ID
        elif resolved in ids_by_path:
            part = ids_by_path[resolved]
        else:
            return None  # a page that is not in the PDF: keep the text, drop the link
        return f"#{part}--{anchor}" if anchor else f"#{part}"

    def picture(src: str) -> str:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:", src):
            return src  # the sanitiser refuses it; were it let through, the URL fetcher refuses it
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), unquote(src.partition("#")[0])))
        if resolved.startswith(("../", "/")) or resolved == ".." or not (site / resolved).is_file():
            raise RefusedInPdf(f"{source_path}: the picture {src} is not a file of the built copy - put the picture "
                               "in docs/assets/images/ and link to it from there")
        return (site / resolved).as_uri()

    def attribute(match: re.Match) -> str:
        name, value = match.group(1), html.unescape(match.group(2))
        if name == "id":
            return f'id="{prefix}--{html.escape(value)}"'
        if name == "src":
            return f'src="{html.escape(picture(value))}"'
        linked = target(value)
        return f'href="{html.escape(linked)}"' if linked is not None else ""

    return _TAG.sub(lambda tag: _ATTRIBUTE.sub(attribute, tag.group(0)), fragment)


def _gate(path: str, fragment: str) -> str:
    removed = removed_by_sanitiser(fragment)
    if removed is not None:
        raise RefusedInPdf(f"{path}: the PDF would hold {removed}, which the handbook does not publish - remove it; "
                           "a document may hold Markdown and the HTML listed in README.md, 'Security'")
    return fragment


def _document_part(handbook: Handbook, document: Document, converter: markdown.Markdown, ids: dict,
                   site: Path) -> str:
    text = document_control(handbook, document) + section_index(handbook, document) + render_text(handbook, document)
    body = _gate(document.path, converter.reset().convert(text))
    body = _relink(body, document.id, document.path, ids, site)
    return (f'<section class="part" id="{document.id}"><h1>{html.escape(document.title)}</h1>\n{body}</section>')


def handbook_html(handbook: Handbook, commit: str, stamp: str, site: Path) -> str:
    """The whole PDF as one HTML document; `site` is the built copy its pictures come from."""
    converter = _markdown_converter(handbook.root)
    documents = sorted(handbook.documents, key=lambda d: (KIND_ORDER.get(d.kind, 3), d.title.lower()))
    ids = {d.path: d.id for d in documents}
    parts = [_document_part(handbook, d, converter, ids, site) for d in documents]
    map_html = _relink(_gate(REGULATION_MAP, converter.reset().convert(regulation_map(handbook, page=REGULATION_MAP))),
                       MAP_ID, REGULATION_MAP, ids, site)
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


def file_in_copy(url: str, site: Path) -> Path:
    """The file of the built copy that `url` names; RefusedInPdf for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedInPdf(f"the PDF would fetch {url[:200]}, which is not part of the built copy")
    path = Path(unquote(parts.path))
    root = site.resolve()
    resolved = path.resolve()
    if root not in resolved.parents or not resolved.is_file() or path.is_symlink():
        raise RefusedInPdf(f"the PDF would read {path}, which is not a file of the built copy")
    return resolved


def write_pdf(handbook: Handbook, commit: str, stamp: str, path: Path, site: Path) -> None:
    """Lay out and write the PDF. Raises RefusedInPdf (nothing written) if a part would be
    changed by the sanitiser, if it would fetch anything but a file of the built copy `site`,
    or if the PDF would carry an embedded file."""
    import weasyprint  # noqa: PLC0415 - heavy (Pango, fonts): loaded only when a PDF is made
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: PLC0415

    class CopyOnly(URLFetcher):
        def fetch(self, url, headers=None):
            file = file_in_copy(url, site)
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            return URLFetcherResponse(file.as_uri(), file.read_bytes(), {"Content-Type": kind})

    source = handbook_html(handbook, commit, stamp, site)
    try:
        document = weasyprint.HTML(string=source, base_url=site.as_uri() + "/",
                                   url_fetcher=CopyOnly(fail_on_errors=True)).render()
    except FatalURLFetchingError as failure:
        reason = failure.__cause__ if isinstance(failure.__cause__, RefusedInPdf) else failure
        raise RefusedInPdf(f"{reason} - nothing was exported") from None
    attached = ["a file named by <link rel=\"attachment\">" for _ in document.metadata.attachments]
    attached += [target for page in document.pages for kind, target, *_ in page.links if kind == "attachment"]
    if attached:
        raise RefusedInPdf(f"the PDF would carry {attached[0]} as an embedded file; a copy holds no attachment "
                           "- remove rel=\"attachment\" from the link")
    document.write_pdf(path)
    embedded = embedded_files(path)
    if embedded:
        path.unlink()
        raise RefusedInPdf(f"the PDF holds an embedded file ({embedded[0]}); a copy holds no attachment")


def embedded_files(pdf: Path) -> list[str]:
    """The names of the files embedded in a PDF (in its name tree or as file-attachment notes)."""
    import pypdf  # noqa: PLC0415 - only the export reads PDFs

    reader = pypdf.PdfReader(pdf)
    names = list(reader.attachments)
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            note = annotation.get_object()
            if note.get("/Subtype") == "/FileAttachment":
                names.append(str(note.get("/Contents", "a file-attachment note")))
    return names

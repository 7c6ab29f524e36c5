"""One PDF of the inspectors' edition: a cover (home, date, commit), contents with page
numbers, every document with its document control, the Schedule 1 index and the
regulation map. The Markdown is converted with the site's own extensions and the PDF is
laid out by WeasyPrint (which computes the page numbers in the contents).

The PDF takes only what the handbook made: each part's HTML passes the same sanitiser gate as
the site's pages; pictures are read from the built copy only (WeasyPrint's URL fetcher refuses
anything else: files elsewhere on the machine, web addresses, data: URLs); and a PDF with an
embedded file is never written."""

from __future__ import annotations

import mimetypes
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown

from handbook.loading.rendering import render_text
from handbook.model.documents import Document
from handbook.model.handbook import Handbook
from handbook.model.reserved import FACTS_TO_CONFIRM_PART, REGULATION_MAP_PART
from handbook.sources.edition import copy_made_on
from handbook.sources.errors import HandbookError
from handbook.views.document_links import DocumentLinks, document_links_for
from handbook.views.document_page import REGULATION_MAP, UNPLACED, document_details, document_top, sections_not_made
from handbook.views.editions import facts_to_confirm_part
from handbook.views.safe_html import removed_by_sanitiser, rewrite_attributes, sanitised
from handbook.views.site_pages import regulation_map
from handbook.views.templating import TEMPLATES, render

KIND_ORDER = {"statement-of-purpose": 0, "childrens-guide": 1, "policy": 2, "procedure": 2}
MAP_ID = REGULATION_MAP_PART  # the regulation map's part: no document may have it as its id




def _markdown_converter(handbook: Handbook) -> tuple[markdown.Markdown, DocumentLinks]:
    """The same Markdown extensions and settings as the site (read from mkdocs.yml), and the same
    reading of links to documents not in force or left out (set its `page` before each page)."""
    from mkdocs.config import load_config  # noqa: PLC0415 - only the PDF needs the site's configuration

    config = load_config(str(handbook.root / "mkdocs.yml"))
    links = document_links_for(handbook)
    return markdown.Markdown(extensions=[*config.markdown_extensions, links], extension_configs=config.mdx_configs), links



def _convert(converter: tuple[markdown.Markdown, DocumentLinks], page: str, text: str) -> str:
    """One page's Markdown as HTML, its links to other documents read from `page`."""
    md, links = converter
    links.page = page
    return md.reset().convert(text)


RELINKED = frozenset({"id", "href", "src"})


class RefusedInPdf(HandbookError):
    pass


def _relink(fragment: str, prefix: str, source_path: str, ids_by_path: dict[str, str], site: Path) -> str:
    """Make ids unique per part, turn links between pages into links inside the PDF, and point
    each picture at its file in the built copy. Only tags are touched, never the text; `fragment`
    is as the sanitiser wrote it (_gate), whose attributes are read one after another."""

    def target(href: str) -> str | None:
        if re.match(r"^[a-z]+:", href):  # http:, https:, mailto:, tel: (the sanitiser allowed only these)
            return href
        path, _, anchor = href.partition("#")
        if not path:
            return f"#{prefix}--{anchor}"
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), unquote(path)))
        if resolved.endswith(".html"):  # a link in ready HTML names the built page, not its source
            resolved = resolved.removesuffix(".html") + ".md"
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

    def attribute(name: str, value: str) -> str | None:
        if name == "id":
            return f"{prefix}--{value}"
        if name == "src":
            return picture(value)
        return target(value)

    return rewrite_attributes(fragment, RELINKED, attribute)


def _gate(path: str, fragment: str) -> str:
    """The fragment, refused if the sanitiser would remove anything from it, else as the
    sanitiser writes it: _relink then finds every id, href and src (`ID='x'` written by a
    document would otherwise keep its name and take another part's place in the PDF)."""
    removed = removed_by_sanitiser(fragment, titles=0)  # a part's title is the PDF's own <h1>
    if removed is not None:
        raise RefusedInPdf(f"{path}: the PDF would hold {removed}, which the handbook does not publish - remove it; "
                           "a document may hold Markdown and the HTML listed in README.md, 'Security'")
    return sanitised(fragment)


def _document_part(handbook: Handbook, document: Document, converter: tuple[markdown.Markdown, DocumentLinks],
                   ids: dict, site: Path, standalone: bool = False) -> tuple[str, str, str]:
    text = (document_top(handbook, document) + render_text(handbook, document)
            + document_details(handbook, document, show_editors=False, standalone=standalone))
    body = _gate(document.path, _convert(converter, document.path, text))
    if sections_not_made(body):
        raise RefusedInPdf(f"{document.path}: {UNPLACED}")
    body = _relink(body, document.id, document.path, ids, site)
    return document.id, document.title, body


COVER = "the PDF's cover"


# The facts every PDF's cover prints (templates/pdf.html), by the name the template gives each
# and its place in data/home.yml; the URN only once the home is registered.
_COVER_FACTS = {"home": "name", "manager": "registered_manager.name", "urn": "ofsted_urn"}


def _cover(handbook: Handbook) -> dict:
    """What a PDF's cover says of the home, for both the inspector copy and a one-document copy."""
    def fact(place: str):
        value = handbook.home.facts
        for key in place.split("."):
            value = value[key]
        return value

    return {**{name: str(fact(place)) for name, place in _COVER_FACTS.items()},
            "registration": handbook.home.registration, "today": copy_made_on(handbook.today)}


def cover_placeholders(handbook: Handbook) -> list[str]:
    """The facts still to confirm that a PDF's cover prints."""
    printed = [place for name, place in _COVER_FACTS.items() if name != "urn" or handbook.home.registration.registered]
    still_to_confirm = dict(handbook.home.placeholders)
    return [where for where in printed if where in still_to_confirm]


def handbook_html(handbook: Handbook, commit: str, stamp: str, site: Path, signed_by: str | None = None) -> str:
    """The whole PDF as one HTML document; `site` is the built copy its pictures come from. Its
    cover says whether the copy is signed, and with which key (`signed_by`): an inspector holding
    only the PDF has no "About this copy" page to tell them (an inspector's review)."""
    converter = _markdown_converter(handbook)
    documents = sorted(handbook.documents, key=lambda d: (KIND_ORDER.get(d.kind, 3), d.title.lower()))
    ids = {d.path: d.id for d in documents}
    parts: list[tuple[str, str, str, Document | None]] = [(*_document_part(handbook, d, converter, ids, site), d)
                                                          for d in documents]
    map_html = _relink(_gate(REGULATION_MAP, _convert(converter, REGULATION_MAP, regulation_map(handbook, page=REGULATION_MAP))),
                       MAP_ID, REGULATION_MAP, ids, site)
    parts.append((MAP_ID, "Regulation map", map_html, None))
    contents = [(d.id, d.title) for d in documents] + [(MAP_ID, "Regulation map")]
    if (to_confirm := facts_to_confirm_part(handbook)) is not None:  # a draft copy's: first, after the contents
        parts.insert(0, (FACTS_TO_CONFIRM_PART, "Facts still to confirm",
                         _gate(FACTS_TO_CONFIRM_PART, _convert(converter, FACTS_TO_CONFIRM_PART, to_confirm)), None))
        contents.insert(0, (FACTS_TO_CONFIRM_PART, "Facts still to confirm"))
    return render("pdf.html", **_cover(handbook), stamp=stamp, reference=commit, contents=contents, parts=parts,
                  style=_style(booklet=False), single=None, booklet=False, signed_by=signed_by)


def document_html(handbook: Handbook, document: Document, reference: str | None, stamp: str, site: Path,
                  booklet: bool = False, draft_mark: str = "") -> str:
    """One document alone, as HTML for its PDF: a cover with its version, approval and date; or,
    as a `booklet`, the children's guide on A5 for a child to keep (its details stay at the end;
    a draft booklet says it is one at the top of every page)."""
    converter = _markdown_converter(handbook)
    _, _, body = _document_part(handbook, document, converter, {document.path: document.id}, site, standalone=True)
    return render("pdf.html", **_cover(handbook), stamp=stamp, reference=reference, contents=[],
                  parts=[(document.id, document.title, body, None)], style=_style(booklet), single=document,
                  booklet=booklet, draft_mark=draft_mark)


def _style(booklet: bool) -> str:
    sheets = ["pdf.css", "pdf-booklet.css"] if booklet else ["pdf.css"]
    return "\n".join((TEMPLATES / sheet).read_text(encoding="utf-8") for sheet in sheets)


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


def write_pdf(handbook: Handbook, commit: str, stamp: str, path: Path, site: Path, source: str | None = None,
              signed_by: str | None = None) -> None:
    """Lay out and write the PDF (of the whole handbook, or of `source`, the HTML of one
    document). Raises RefusedInPdf (nothing written) if a part would be changed by the
    sanitiser, if it would fetch anything but a file of the built copy `site`, or if the PDF
    would carry an embedded file."""
    import weasyprint  # noqa: PLC0415 - heavy (Pango, fonts): loaded only when a PDF is made
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: PLC0415

    class CopyOnly(URLFetcher):
        def fetch(self, url, headers=None):
            file = file_in_copy(url, site)
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            return URLFetcherResponse(file.as_uri(), file.read_bytes(), {"Content-Type": kind})

    source = source if source is not None else handbook_html(handbook, commit, stamp, site, signed_by)
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
    # Tagged (PDF/UA-1): a screen reader follows its structure, headings and tables.
    document.write_pdf(path, pdf_variant="pdf/ua-1", pdf_tags=True)
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

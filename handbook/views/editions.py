"""The editions of the site, all from one source: the staff intranet (everything, with status
and how-to pages), the inspectors' offline copy (approved documents for inspectors only,
stamped with when and from what it was made) and the public website (the Statement of Purpose
and the documents marked `website: true`, approved ones only, without what the home keeps off
the website). `handbook export` and `handbook publish` ask for an edition through environment
variables, so MkDocs builds each with the same configuration."""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote_plus

from handbook.model.handbook import Handbook
from handbook.sources.clock import long_date
from handbook.sources.edition import as_of_day, copy_commit, copy_made_on, copy_signed_by, draft_copy
from handbook.sources.files import PICTURE_FORMATS
from handbook.sources.letters import LOOK_ALIKES, SMALL_CAPITAL
from handbook.views.history import sentences
from handbook.views.plain_text import links, plain_text
from handbook.views.templating import link_from, render

DRAFT_MARK = "Draft: facts still to confirm"

# Pages in docs/ that only make sense on the intranet.
STAFF_ONLY_PAGES = ("status.md", "how-to/")
COPY_PAGE = "inspector-copy.md"
VALID_AS_OF_SCRIPT = "assets/javascripts/valid-as-of.js"


def staff_only(src_uri: str) -> bool:
    return any(src_uri == page or src_uri.startswith(page) for page in STAFF_ONLY_PAGES)


def earliest_next_review(handbook: Handbook) -> dt.date | None:
    reviews = [d.next_review for d in handbook.documents if d.in_force and d.next_review]
    return min(reviews) if reviews else None


def copy_made(handbook: Handbook) -> str:
    """What the copy stamp and the PDF's running head say of when the copy was made."""
    made = f"Inspector copy made on {long_date(copy_made_on(handbook.today))}"
    as_of = as_of_day()
    return f"As in force on {long_date(dt.date.fromisoformat(as_of))}. {made}" if as_of else made


def copy_stamp(handbook: Handbook, copy_link: str) -> str:
    """The notice on every page of the inspector copy. A small script compares the
    earliest next-review date with the reader's clock, so a stale copy says so offline."""
    return render("copy_stamp.md", made=copy_made(handbook), reference=copy_commit()[:12], draft=draft_copy(),
                  draft_mark=DRAFT_MARK, home=str(handbook.home.facts["name"]), copy_link=copy_link,
                  earliest=earliest_next_review(handbook))


def facts_to_confirm_shown(copy: Handbook) -> dict[str, list[str]]:
    """The facts still to confirm that an inspector copy's pages show, each with the files that print
    it: its documents, and the site's own pages in the copy (the home page prints the numbers to
    call; an inspector's review found the copy's list leaving them out)."""
    shown = copy.placeholders_shown()
    for path, printed in copy.printed.items():
        if path.startswith("docs/") and not staff_only(path.removeprefix("docs/")):
            for where in sorted(printed):
                shown.setdefault(where, []).append(path)
    return shown


def copy_page(handbook: Handbook) -> str:
    """"About this copy", for the inspector: what the copy holds, when and from what it was
    made, and how the home can show it has not been changed since."""
    as_of = as_of_day()
    return render("copy_page.md", home=str(handbook.home.facts["name"]), today=copy_made_on(handbook.today),
                  reference=copy_commit(), as_of=dt.date.fromisoformat(as_of) if as_of else None,
                  draft=draft_copy(), draft_mark=DRAFT_MARK, signed_by=copy_signed_by(),
                  documents=sorted(handbook.documents, key=lambda d: d.title.lower()),
                  to_confirm=_facts_to_confirm_rows(handbook, facts_to_confirm_shown(handbook)), places=True)


def _facts_to_confirm_rows(handbook: Handbook, shown: dict[str, list[str]]) -> list[tuple[str, str, list[str]]]:
    """What a draft copy shows still to confirm, where (an inspector's review: the status page that
    lists them is for staff, and the copy named none); a final copy holds none."""
    titles = {d.path: d.title for d in handbook.documents} | {"docs/index.md": "the home page"}
    return [(where, handbook.home.placeholder_description(where), [titles.get(path, path) for path in paths])
            for where, paths in sorted(shown.items())]


def facts_to_confirm_part(handbook: Handbook) -> str | None:
    """The PDF's list of the facts still to confirm that its documents show (Markdown), or None: an
    inspector holding only the PDF has no "About this copy" page (an inspector's review)."""
    rows = _facts_to_confirm_rows(handbook, handbook.placeholders_shown())
    return render("facts_to_confirm.md", to_confirm=rows, places=False) if rows else None  # (no data/home.yml places)


# --- the public website ---------------------------------------------------------------

PUBLIC_HOME = "index.md"


def public_home(handbook: Handbook) -> str:
    """The public edition's home page: what the home publishes, with a line on each."""
    documents = sorted(handbook.documents, key=lambda d: (d.kind != "statement-of-purpose", d.title.lower()))
    return render("public_home.md", home=str(handbook.home.facts["name"]),
                  documents=[(d.title, link_from(PUBLIC_HOME, d.path), d.summary) for d in documents])


def _normalised(text: str) -> str:
    """Text as a reader sees it: entities decoded, compatibility forms folded (NFKC), invisible
    format characters (zero-width spaces, soft hyphens, joiners) removed, spaces collapsed."""
    folded = unicodedata.normalize("NFKC", html.unescape(text))
    visible = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return " ".join(visible.split()).casefold()


_LOOK_ALIKES = str.maketrans(LOOK_ALIKES)  # a fact typed with look-alike letters reads as the fact
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")  # Hangul fillers: letters that show nothing
_POSTCODE = re.compile(r"[a-z]{1,2}\d[a-z\d]?\d[a-z]{2}")  # a UK postcode's letters and digits


def _skeleton(text: str) -> str:
    """Only the letters and digits of text as a reader sees it (entities decoded, compatibility
    forms folded, look-alike letters read as the Latin ones, a digit of any script as 0-9, a
    small capital as its letter), in lower case: what is left of a fact however it is spaced,
    punctuated, marked up or padded with invisible characters."""
    return "".join(c for c in _spaced_skeleton(text) if c != " ")


def _spaced_skeleton(text: str) -> str:
    """The skeleton with one space where the text had spaces or punctuation between its letters
    and digits (what shows nothing, such as a joiner, is left out): a postcode is looked for as
    whole words in it, so "M1 1AE" is not found in "room 11 aeroplane"."""
    folded = unicodedata.normalize("NFKC", html.unescape(text)).casefold().translate(_LOOK_ALIKES)
    kept = "".join(_plain(c) if c.isalnum() and c not in _FILLERS
                   else " " if c.isspace() or unicodedata.category(c)[0] in "PSZ" else "" for c in folded)
    return " ".join(kept.split())


def _plain(character: str) -> str:
    if character.isascii():
        return character
    if character.isdecimal():
        return str(unicodedata.decimal(character))
    name = unicodedata.name(character, "")
    return name[-1].lower() if name.startswith(SMALL_CAPITAL + " ") else character


def _telling_parts(value: str) -> set[str]:
    """The skeletons that give a withheld fact away: the whole value, each part of it between
    commas that holds a number (the postcode, the house number and street), and a phone number
    written from +44 or without its first 0. Short ones (fewer than 6 letters and digits, but a
    postcode such as M1 1AE) would be found in ordinary words, and are left to the exact reading."""
    parts = {_skeleton(value)} | {_skeleton(part) for part in re.split(r"[,;\n]", value)
                                  if any(c.isdigit() for c in part)}
    for part in list(parts):
        if part.isdigit() and part.startswith("0") and len(part) >= 10:
            parts |= {part[1:], "44" + part[1:]}
    return {part for part in parts if len(part) >= 6 and not _POSTCODE.fullmatch(part)}


def _postcodes(value: str) -> list[re.Pattern]:
    """Each postcode in a withheld fact, as a pattern for whole words of a spaced skeleton, however
    its letters and digits are spaced (TB1 1AA, TB11AA, and TB11 AA, as an attacker's review wrote it)."""
    return [re.compile(rf"(?<![a-z0-9]){' ?'.join(re.escape(c) for c in code)}(?![a-z0-9])")
            for code in {_skeleton(part) for part in re.split(r"[,;\n]", value)} if _POSTCODE.fullmatch(code)]


def shown_on_website_alone(website_text: str, staff_text: str, staff_text_with_stand_ins: str) -> str | None:
    """What the public website would show of a document that its staff edition does not, in words
    (a sentence, or a link's address), or None. The website is the staff edition with passages
    left out, never more; but Markdown reads text by what is around it, so a passage left out can
    turn a link's reference definition, whose words staff never see, into a paragraph, and the
    website's stand-in for a fact it withholds can be the label of a reference staff never use (an
    attacker's review). The sentences are compared with the staff edition read with the website's
    stand-ins (a withheld fact reads differently on purpose), the links with the staff edition."""
    staff_sentences = set(sentences(plain_text(staff_text_with_stand_ins)))
    sentence = next((s for s in sentences(plain_text(website_text)) if s not in staff_sentences), None)
    if sentence is not None:
        return f'the sentence "{sentence}"'
    staff_links = {address for _, address in links(staff_text)}
    address = next((address for _, address in links(website_text) if address not in staff_links), None)
    return None if address is None else f"a link to {address}"


def pictures_not_named(pictures: Iterable[str], texts: Iterable[str]) -> set[str]:
    """Of `pictures` (the site's files, such as "assets/images/front-door.png"), those whose file
    name none of `texts` holds: the public website publishes only the pictures its documents show,
    and a provider's home leaves out those another home's documents show and its own never name."""
    named = "\n".join(texts)
    return {picture for picture in pictures if picture.rsplit("/", 1)[-1] not in named}


def readable_text(name: str, content: bytes) -> str | None:
    """The text a published file holds, as a reader or a search engine would find it: the
    strings of a JSON file decoded, entities of HTML and XML decoded. For a binary file (a
    picture), the text its metadata may carry (a comment, a caption, an EXIF field), read as
    single bytes and as UTF-16, and as Pillow reads it (compressed PNG text too)."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return "\n".join([content.decode("latin-1"), content.decode("utf-16-le", errors="ignore"),
                          *_picture_metadata(content)])
    if name.endswith(".json"):
        try:
            return " ".join(_strings(json.loads(text)))
        except ValueError:
            return text
    return text


WRITTEN = (".html", ".json", ".xml", ".txt")


def written_text(name: str, content: bytes, text: str) -> str | None:
    """Of a published file and its `text` (as readable_text reads it), what its writers put there:
    the text of the pages, the search index and the sitemap, and a picture's metadata. None for the
    theme's own scripts, styles and fonts, and for a picture's pixels (read as text, any letters)."""
    suffix = Path(name).suffix.lower()
    if suffix in WRITTEN:
        return text
    if suffix in (*PICTURE_FORMATS, ".ico"):
        return "\n".join(_picture_metadata(content))
    return None


@functools.lru_cache(maxsize=2)  # readable_text and written_text both read a picture's: Pillow opens it once
def _picture_metadata(content: bytes) -> tuple[str, ...]:
    """The text fields of a picture's metadata as Pillow reads them (PNG text chunks, compressed
    or not; EXIF; a GIF's comment); none for a file Pillow cannot read."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - only the public build reads pictures

    try:
        with Image.open(io.BytesIO(content)) as picture:
            fields = [*picture.info.values(), *getattr(picture, "text", {}).values(), *picture.getexif().values()]
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return ()
    return tuple(value.decode("latin-1") if isinstance(value, bytes) else str(value) for value in fields)


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [str(key), *_strings(item)]]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [str(value)]


_TAGS = re.compile(r"<[^>]*>")


def withheld_fact_in(text: str, withheld: dict[str, str]) -> str | None:
    """The place in data/home.yml of a fact kept off the website whose value `text` holds
    (ignoring case, spacing, punctuation, look-alike letters and markup between its words, and
    in web addresses too), or that holds a telling part of (its postcode alone), or None."""
    versions = (text, _TAGS.sub(" ", text), _TAGS.sub("", text), unquote_plus(text))
    readings = {_normalised(version) for version in versions}
    spaced: list[str] | None = None
    for value, where in withheld.items():
        wanted = _normalised(value)
        if wanted and any(wanted in reading for reading in readings):
            return where
        telling, postcodes = _telling_parts(value), _postcodes(value)
        if telling or postcodes:
            spaced = spaced if spaced is not None else [_spaced_skeleton(version) for version in versions[2:]]
            skeletons = [reading.replace(" ", "") for reading in spaced]
            if (any(part in skeleton for part in telling for skeleton in skeletons)
                    or any(code.search(reading) for code in postcodes for reading in spaced)):
                return where
    return None


# --- one-document copies ----------------------------------------------------------------

COPIES_FOLDER = "copies"  # on the staff site: the copy of the Statement of Purpose to send to Ofsted


def slug(text: str) -> str:
    """Words of a name for a file name: lower case, joined by hyphens."""
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def document_copy_name(handbook: Handbook, document, draft: bool = False, booklet: bool = False) -> str:
    """The file name of a one-document PDF: whose, which document, which version, which day,
    so the copy sent to Ofsted or a placing authority says what it is (and the children's guide
    printed for a child says it is the A5 booklet)."""
    kind = ("-booklet-a5" if booklet else "") + ("-draft" if draft else "")
    return f"{copy_owner(handbook)}-{document.id}-version-{document.version}{kind}-{handbook.today.isoformat()}.pdf"


def copy_owner(handbook: Handbook) -> str:
    """How a copy's file name starts: the home's name; in a provider's handbook, the home's id
    (its folder's name, unique), so no two homes' copies can share a name, whatever their
    names hold (two names can make the same slug: "Oak Lodge" and "Oak Lodge." do)."""
    return handbook.home_id or slug(str(handbook.home.facts["name"]))


def ofsted_copy_due(handbook: Handbook):
    """The approved Statement of Purpose whose newest revision still waits for its notice to
    Ofsted (regulation 16(3)), once the home is registered; None when nothing waits."""
    if not handbook.home.registration.registered:
        return None
    for document in handbook.documents:
        change = document.current_change if document.kind == "statement-of-purpose" and document.in_force else None
        if change is not None and not change.get("review_only") and not change.get("ofsted_notified_on"):
            return document
    return None

"""Phone numbers come from data/home.yml, never typed into a document: a number typed as text
goes out of date in one place and not the others, and cannot be tapped to call on a phone."""

from __future__ import annotations

import functools
import html
import re
import unicodedata

from handbook.checks.common import blank_spans, matches, valid_documents
from handbook.loading.rendering import PLAIN_FACT, page_jinja_spans
from handbook.model.findings import Finding, error
from handbook.model.handbook import Handbook
from handbook.model.home import HOME_FILE, TAGS_FILE, Phone
from handbook.model.registry import REGISTRY_FILE

# UK numbers as people write them: 999, 101, 111, 116 123; 0800 1111; 0300 123 1231; 020 7946 0000;
# with the area code in brackets, (020) 7946 0000; in the international form, +44 20 7946 0000 or
# +44 (0)20 7946 0000; the groups parted by any space, a hyphen or dash, or a dot (0300.123.1231);
# in any digits Unicode folds to 0 to 9 (full-width ０８００). A full stop after a number ends the
# sentence ("call Childline on 0800 1111."); one before a digit makes it part of a decimal or a
# version (101.5), which is not a phone number.
# A fourth attacker's review found more: groups of two (0800 11 11), a line break inside (Markdown
# joins the lines), another country's code (+1 800 273 8255), and the forms below (_prose).
_SEP = "[ \n\u00a0\u2000-\u200a\u202f\u205f\u3000.\u2010-\u2015-]"
_GROUPS = rf"(?:{_SEP}?\d{{2,4}}){{1,3}}"
_PHONE = re.compile(
    rf"(?<![\w./+-])(?:\+\d{{1,3}}{_SEP}?(?:\(0\){_SEP}?)?\d{{2,4}}{_GROUPS}|(?:\(0\d{{2,4}}\)|0\d{{2,4}}){_GROUPS}"
    rf"|999|101|111|116{_SEP}?\d{{3}})(?![\w/-]|\.\d)")
_STARTS = "019+("  # the characters a number can begin with, for matches()
# A number typed with letters for digits ("0800 1OOO", "O2O 7946 OOOO") dials nothing, and reads
# as the number: in a word of digits and the letters O, o, I and l that holds at least one digit
# (so "Ill" is never read as 111), each letter is read as the digit it looks like.
_DIGITS_AND_LOOK_ALIKES = re.compile(r"\b[0-9OolI]*[0-9][0-9OolI]*\b")
# Digits as "#" and those letters as "@": with no "#@" or "@#", no letter stands by a digit and there
# is nothing to read (most texts; str.translate and `in` find it several times quicker than a regex).
_DIGITS_AND_LETTERS = str.maketrans({**dict.fromkeys("0123456789", "#"), **dict.fromkeys("OolI", "@")})
_AS_DIGITS = str.maketrans("OolI", "0011")
# What readers do not read as text, besides {{ facts }} and {% tags %}: link targets (a link to call
# is the content policy's) and attribute lists. Each part stops at the next place another could
# begin (a "]" or a "{"), so the scan stays linear on a page full of unclosed "](" or "{:".
_NOT_PROSE = re.compile(r"\]\([^)\]\n]*\)|\{:[^{}\n]*\}")
# ... but a link's title, and an element's title or alt text, are read: shown when the pointer rests
# on it (a fifth attacker's review: "Out of hours ring 07700 900123" as a link's and an <abbr>'s title).
_SHOWN_TITLE = re.compile(r"""(?:\s|^)(?:title|alt)\s*=\s*(["'])(.*?)\1|\s(["'])(.*?)\3\s*$""")
# Code, which readers see as it is written: part of a document's text, but in a page of docs/ (the
# how-to pages) an example of what to write or of a message.
_CODE = re.compile(r"`[^`\n]*`|^(?:```|~~~).*?^(?:```|~~~)", re.DOTALL | re.MULTILINE)
# An element's tags and emphasis marks, which split a number readers read whole (0800 **1111**).
_TAGS_AND_MARKS = re.compile(r"<[^<>\n]*>|[*_~]")
_MARKS = str.maketrans("", "", "*_~")  # the marks alone: text with no "<" holds no tag


@functools.lru_cache(maxsize=8192)  # a provider's policy is checked once per home, with the same text
def _typed_numbers(body: str, code_is_example: bool = False) -> tuple[tuple[int, str], ...]:
    """(line offset, number) of each phone number typed as text in a page's body."""
    text = _prose(body, code_is_example)
    found, offset, position = [], 0, 0
    for match in matches(_PHONE, _STARTS, _as_dialled(text)):
        offset += text.count("\n", position, match.start())
        position = match.start()
        found.append((offset, text[match.start():match.end()].replace("\n", " ")))  # as read, on one line
    return tuple(found)


def _prose(body: str, code_is_example: bool) -> str:
    """The text as readers read it, line for line: no Jinja, link target or attribute list (nor
    code, where it is an example); no tag or emphasis mark inside a number; each character
    reference as its character ("&#57;&#57;&#57;" reads 999); digits and spaces as Unicode folds
    them; and no invisible character (a soft hyphen) inside a number."""
    # Each {{ }}, {% %} and {# #} taken out, as a tag is: "0{{ '' }}800 1111" reads 0800 1111.
    text = blank_spans(body, page_jinja_spans(body), keep_columns=False)
    if code_is_example:
        text = blank_spans(text, (m.span() for m in matches(_CODE, "`~", text)))
    text = _NOT_PROSE.sub(lambda found: _titles_in(found.group(0)[2:-1]), text)  # inside "](...)" or "{:...}"
    if "<" in text:
        text = _TAGS_AND_MARKS.sub(lambda found: _titles_in(found.group(0)[1:-1]) if found.group(0)[0] == "<" else "",
                                   text)
    else:  # the same, without a call for each mark (a tenth of a check of 2,000 documents)
        text = text.translate(_MARKS)
    if "&" in text:
        text = "\n".join(html.unescape(line).replace("\n", " ") for line in text.split("\n"))
    text = _folded(text)
    if not text.isascii():
        text = "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cf")
    return text


def _titles_in(markup: str) -> str:
    """The titles (and alt text) a link's target or an element's tag shows, in its place, or "": a
    number in one is shown as much as one in the text."""
    shown = [words for match in _SHOWN_TITLE.finditer(markup) if (words := match.group(2) or match.group(4))]
    return f" {' '.join(shown)} " if shown else ""


def _folded(text: str) -> str:
    """Digits and spaces as Unicode folds them (NFKC: full-width digits to 0 to 9, a figure space
    to a space); line breaks stay where they were, so lines are counted in the text as written."""
    return unicodedata.normalize("NFKC", text) if not text.isascii() else text


def _as_dialled(text: str) -> str:
    """`text` with the letters typed for digits read as digits, each in its place (the same length),
    so a number found in it is quoted from `text` as written."""
    marked = text.translate(_DIGITS_AND_LETTERS)
    if "#@" not in marked and "@#" not in marked:
        return text
    return _DIGITS_AND_LOOK_ALIKES.sub(lambda word: word.group(0).translate(_AS_DIGITS), text)


def _number_in(text: str) -> str | None:
    """The first phone number in a text printed as written, as written, or None."""
    text = _folded(text)
    found = _PHONE.search(_as_dialled(text))
    return text[found.start():found.end()] if found else None


def check_phone_numbers(handbook: Handbook) -> list[Finding]:
    """Each number typed in a document's text or front matter, or in a page of docs/ (the home
    page's quick help is read at 3 a.m. too)."""
    findings = []
    for document in valid_documents(handbook):
        findings += _numbers_typed(handbook, document.path, document.body, document.body_first_line)
        findings += _numbers_in_front_matter(document)
    for path, (text, first_line) in handbook.site_pages.items():
        findings += _numbers_typed(handbook, path, text, first_line, code_is_example=True)
    for path, front in handbook.site_front_matter.items():  # a page's title is in every page's navigation
        findings += _numbers_typed(handbook, path, front, 2)
    return findings + _numbers_in_data(handbook)


# Two times of a 24-hour day joined by a dash: a shift written "0800-2000".
_TIMES = re.compile(r"(?:[01][0-9]|2[0-3])[0-5][0-9] ?[-\u2013] ?(?:[01][0-9]|2[0-3])[0-5][0-9]")


def _glued(text: str) -> list[tuple[int, str]]:
    """(line offset, what is written) for each {{ }} with a digit, or another {{ }}, right beside
    it: readers read what it prints and what stands beside it as one number ("0{{ fact }} 496 0018"
    reads 0111 496 0018), which no fact holds."""
    spans = [(start, end) for start, end in page_jinja_spans(text) if PLAIN_FACT.fullmatch(text, start, end)]
    glued = []
    for index, (start, end) in enumerate(spans):
        before = start if start == 0 or not _folded(text[start - 1]).isdigit() else start - 1
        after = (spans[index + 1][1] if index + 1 < len(spans) and spans[index + 1][0] == end
                 else end + 1 if _folded(text[end:end + 1]).isdigit() else end)
        if (before, after) != (start, end):
            glued.append((text.count("\n", 0, start), text[before:after]))
    return glued


def _numbers_typed(handbook: Handbook, path: str, text: str, first_line: int, code_is_example: bool = False
                   ) -> list[Finding]:
    found = [error("phone-number", path, f"'{written}' prints a fact with a digit or another fact right beside it: "
                   "readers read them as one number, which no fact holds", "put a space or a word between them; "
                   "a phone number is written whole, as its fact", line=first_line + offset)
             for offset, written in (_glued(text) if "{{" in text else ())]
    for offset, number in _typed_numbers(text, code_is_example):
        # The fact that holds the number, when one does: an example fact could be copied at 3 a.m.
        # and dial another service.
        known = handbook.home.phones.get(Phone(_as_dialled(number)).dial)
        fix = (f"write {{{{ {known} }}}}, the fact from {HOME_FILE} that holds it, so it is the same everywhere "
               "and can be tapped to call" if known else
               f"add the number to {HOME_FILE} as the phone of the contact it belongs to, and write that fact, "
               "such as {{ home.contacts.<contact>.phone }}, so it is the same everywhere and can be tapped to call")
        if _TIMES.fullmatch(number):  # "0800-2000" is Childline's shape too: a phone would dial it
            start, end = number[:4], number[-4:]
            fix += f" (if these are times of day, write them with a colon: {start[:2]}:{start[2:]} to {end[:2]}:{end[2:]})"
        found.append(error("phone-number", path, f"'{number}' is a phone number typed as text", fix,
                           line=first_line + offset))
    return found


def _numbers_in_front_matter(document) -> list[Finding]:
    """The title, summary and each changes summary are printed as written (Document control, the
    History table, the feeds): a number there can be neither a fact nor tapped to call."""
    texts = [("title", document.meta.get("title"), "title"), ("summary", document.meta.get("summary"), "summary")]
    texts += [(f"changes[{index}].summary", change.get("summary"), "changes")
              for index, change in enumerate(document.changes, start=1)]
    # shown as chips in the search results (a fifth attacker's review)
    texts += [(f"search_terms[{index}]", term, "search_terms")
              for index, term in enumerate(document.meta.get("search_terms") or [], start=1)]
    return [error("phone-number", document.path,
                  f"{field} holds '{found}', a phone number, which the page prints as text that cannot be "
                  "tapped to call", "name the service in words instead (the emergency number, Childline); the "
                  "number itself belongs in the document's text, as a fact", field=field, line=document.line_of(key))
            for field, text, key in texts if isinstance(text, str) and (found := _number_in(text))]


def _numbers_in_data(handbook: Handbook) -> list[Finding]:
    """The topics (data/tags.yml) and the registry's Schedule 1 matters and guide items are printed
    on pages too (the topics page, each document's control, the Statement of Purpose's index)."""
    instrument = handbook.registry.default_instrument
    texts = [(TAGS_FILE, f"the topic '{tag}'", tag) for tag in handbook.tags]
    texts += [(REGISTRY_FILE, f"Schedule 1 matter {matter.number}", matter.text) for matter in instrument.schedule_1]
    texts += [(REGISTRY_FILE, f"children's guide item {item.id}", item.text) for item in instrument.childrens_guide]
    return [error("phone-number", path, f"{what} holds '{found}', a phone number, which pages print as text that "
                  "cannot be tapped to call", f"write it in words; a number to call belongs in {HOME_FILE}, as a fact")
            for path, what, text in texts if (found := _number_in(text))]

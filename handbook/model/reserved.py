"""The ids, anchors and classes the site's theme, the handbook's own page parts and the
inspectors' PDF give their own elements, which a document may not take, and the text
directions a document may use. One home for each list: the templates and the PDF read their
names from here, and the checks keep documents off them (handbook/checks/content_policy.py,
handbook/checks/versions.py), as the output gate does (handbook/views/safe_html.py)."""

from __future__ import annotations

import re

# Material for MkDocs gives its own elements ids starting with "__": __config (the element its
# scripts read their settings from, such as where the search index is), __search, __drawer,
# __toc, __palette_0, __nav_1, __tabbed_1_1, __codelineno... A document's id or name never does.
THEME_ID_PREFIX = "__"

# What an id or anchor a document gives may hold: the letters, digits, - and _ the anchors MkDocs
# makes from a heading's words hold. The page's contents list and the theme's skip link print a
# heading's id into a link as it is, outside the article (a quote there would end the link and
# start an attribute of the document's own: onfocus, style).
ANCHOR = re.compile(r"[A-Za-z0-9_-]+")

# The anchors of the headings the handbook adds to every document's page (Document control and
# History, handbook/views/templates/document_details.html; the Schedule 1 index of the Statement
# of Purpose, document_sections.md), which the top of the page links to (document_top.md).
DOCUMENT_CONTROL = "document-control"
HISTORY = "history"
SCHEDULE_1_INDEX = "schedule-1-index"
DOCUMENT_ANCHORS = {DOCUMENT_CONTROL: "Document control", HISTORY: "History", SCHEDULE_1_INDEX: "Schedule 1 index"}

# The ids of the inspectors' PDF's own parts (handbook/export/pdf.py), beside one per document
# (its id); a document with one of them as its id would take that part's links.
REGULATION_MAP_PART = "regulation-map"
FACTS_TO_CONFIRM_PART = "facts-to-confirm"
PDF_PART_IDS = {REGULATION_MAP_PART: "the regulation map", FACTS_TO_CONFIRM_PART: "the list of facts still to confirm"}

# Classes: the theme's style sheet and scripts, and the handbook's own (handbook.css, pdf.css),
# hide, move or restyle what carries one of theirs (Material's tabbed-block is hidden on the
# site and printed in the PDF; the PDF's running head is read from .running; .document-status
# looks like the page's own status line). So a page may use only these: a link shown as a
# button (the home page's quick links), Material's grid of cards, and the phone link a fact
# such as {{ home.contacts.lado.phone }} prints (handbook/model/home.py).
ALLOWED_CLASSES = frozenset({"md-button", "md-button--primary", "grid", "cards", "tel"})
# The words of a box (`!!! info "Title"`, or `??? note` that opens and closes): each becomes a
# class of the box, so only Material's own box types and their other names, and `emergency` (the
# home page's emergency box, docs/assets/stylesheets/handbook.css). Any other word would take a
# class the theme or the PDF's style sheets keep for their own parts (the PDF's running head, the
# booklet's draft mark, a hidden heading link).
BOX_TYPES = frozenset({
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check", "done",
    "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing", "danger", "error",
    "bug", "example", "quote", "cite", "emergency",
})
THEME_DATA_PREFIX = "data-md-"

# The text directions a page may give an element: right to left shows "15 30 60" as "60 30 15",
# so readers would not see what was reviewed (the content policy and the output gate both read
# this). Not "auto" either: it is right to left when the text starts with a right-to-left mark.
ALLOWED_DIRECTIONS = frozenset({"ltr"})

# Elements with no end tag, and those whose end tag HTML lets a page leave out (the next one
# closes them): neither is counted when the check on a document's source (content_policy.py)
# and the output gate (safe_html.py) look for an end tag closing an element never opened.
VOID_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
})
OPTIONAL_END = frozenset({
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "colgroup", "caption",
    "rt", "rp", "html", "head", "body",
})

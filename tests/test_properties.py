"""No traceback, ever, from bad input: generated front matter (mappings with random keys,
values of every type, dates real and not, keys given twice, anchors) and generated bodies
(text mixed with {{, {%, HTML, links and attribute lists) go through the check and the
build's own page functions in-process. Each must end in findings or success, never an
exception, and in bounded time."""

from __future__ import annotations

import datetime as dt
import os
import time
import unittest.mock

import pytest
import yaml
from conftest import TODAY, front_matter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from handbook.checks import load_and_check
from handbook.loading.rendering import (
    MAX_SECONDS,
    MAX_TEXT,
    QUICK_EXPRESSIONS,
    PageRenderer,
    TemplateLimit,
    _Budget,
    _budgeted,
    expressions_only,
    rendered_as_given,
)
from handbook.mkdocs_hooks import expand_nav
from handbook.model.documents import Document
from handbook.model.findings import Finding
from handbook.model.handbook import Handbook
from handbook.sources import headings
from handbook.views.document_page import document_details, document_top
from handbook.views.editions import copy_page
from handbook.views.feeds import review_calendar, review_json
from handbook.views.site_pages import page_functions, regulation_map, status_report, topics

GENERATED = "policies/generated.md"
# The same examples on every run of `make test` (reproducible); HANDBOOK_PROPERTY_RANDOM=1 and a larger
# HANDBOOK_PROPERTY_EXAMPLES explore further.
EXAMPLES = int(os.environ.get("HANDBOOK_PROPERTY_EXAMPLES", "300"))
RANDOM = os.environ.get("HANDBOOK_PROPERTY_RANDOM") == "1"
SECONDS = 10  # for one example: a load, every check, the page functions and one build-time render

FIELDS = ["id", "title", "summary", "kind", "status", "version", "owner", "last_reviewed", "review_every_months",
          "regulations", "audience", "tags", "changes", "schedule_1", "guide_items", "approved_by", "approved_on"]
CHANGE_FIELDS = ["version", "date", "summary", "approved_by", "approved_on", "review_only", "ofsted_notified_on"]

dates = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=TODAY).map(dt.date.isoformat),
    st.sampled_from(["2026-W05-1", "2026-035", "20261101", "9999-06-01", "2026-02-30", "0000-00-00", "2026-13-01",
                     "1999-12-31", "2026-11-26T10:00:00", " 2026-11-01", "2026-11-01\n"]),
)

pytestmark = pytest.mark.build
texts = st.one_of(st.text(max_size=30), st.sampled_from([
    "<img src=x onerror=alert(1)>", "{{ config }}", "{% if config is defined %}{{ config }}{% endif %}", "&#106;",
    "[x](file:///etc/hostname)", "Registered Manager", "Responsible Individual", "Safeguarding", "draft",
    "approved", "retired", "policy", "statement-of-purpose", "childrens-guide", "1.0", "1.10", "0.1", "99.99",
    "34(4)", "16", "12", "staff", "inspectors", "#our-ethos", "missing-child", "", " ", "\t", "\x00", "\u202e"]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
                    st.floats(allow_nan=True, allow_infinity=True), texts, dates)
keys = st.one_of(st.sampled_from(FIELDS + CHANGE_FIELDS), st.text(min_size=1, max_size=12), st.integers(0, 20))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
                      max_leaves=12)
changes = st.lists(st.fixed_dictionaries({}, optional={name: st.one_of(scalars, values) for name in CHANGE_FIELDS}),
                   max_size=4)


@st.composite
def front_matters(draw) -> str:
    """A document's front matter as YAML text: a valid one with some fields changed, removed
    or added, sometimes broken the ways people (and attackers) break YAML."""
    meta = front_matter(summary="What staff do when a child is missing from the home.", tags=["Safeguarding"])
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4)):
        meta[name] = draw(st.one_of(values, changes) if name == "changes" else values)
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=2)):
        meta.pop(name, None)
    meta.update(draw(st.dictionaries(keys, values, max_size=2)))
    try:
        text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    except yaml.YAMLError:
        text = "id: generated\n"
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 2))):
        position = draw(st.integers(0, len(lines)))
        lines.insert(position, draw(st.sampled_from([
            "status: approved\n", "status: draft\n", "title: &t Title\n", "extra: *t\n", "<<: {a: 1}\n",
            "loop: &l [*l]\n", "\ttab: 1\n", "last_reviewed: 2026-W05-1\n", "version: 1.0\n", "- item\n",
            "changes: [{version: '1.0', date: 2026-01-01, summary: x}]\n", "? [a, b]\n: c\n", "key: 'unclosed\n",
            "title: {{ config.site_dir }}\n", "title: '{{ home.name }}'\n", "\ufeff", ": : :\n",
        ])))
    text = "".join(lines)
    if draw(st.integers(0, 9)) == 0:  # now and then, a few characters cut out anywhere
        start = draw(st.integers(0, len(text)))
        text = text[:start] + text[start + draw(st.integers(0, 12)):]
    return text


BODY_PIECES = st.sampled_from([
    "{{", "}}", "{%", "%}", "{#", "#}", "{{ home.name }}", "{{ home.nope }}", "{{ title }}", "{{ edition }}",
    "{% raw %}", "{% endraw %}", "{% if true %}", "{% endif %}", "{% for i in range(3) %}", "{% endfor %}",
    "{{ 2**64 }}", "{{ 99**999999999 }}", "{{ 'x' * 10 }}", "{{ cycler.__init__ }}", "{{ status_report() }}",
    "{{ topics() }}", "{{ config }}", "{{ range(10)|list }}", "{{ 'a'.center(5) }}", "{{ [1,2]|join(',') }}",
    "<script>", "</script>", "<style>", "<a href='", "'>", "<img src=x onerror=alert(1)>", "<!--", "-->",
    "[x](file:///etc/hostname)", "![i](data:image/png;base64,xx)", "](", "[", "]", "(", ")", "[x](complaints.md)",
    "{: rel=\"attachment\" }", "{: onclick=x }", "<https://example.org>", "`", "```", "~~~", "## Heading", "\n",
    "\n\n", "    ", "&#106;avascript:", "| a | b |", "\\", "\x00", "\u202e", "é", "{% macro m() %}",
    "{% endmacro %}", "{{ m() }}", "{% set x = 'ab' ~ 'cd' %}", "{{ x|upper }}", "{{ home }}", "{{ home.contacts }}",
    "{{ '%s' % 1 }}", "{{ loop.index }}", "{% include 'x' %}", "{% extends 'x' %}", "{{ lipsum(2) }}",
    "<a href=\"../../etc/passwd\">", "<img srcset=\"file:///a 1x\">", "[r]: file:///x", "{{ ''.join }}",
])
bodies = st.lists(st.one_of(BODY_PIECES, st.text(max_size=15)), max_size=40).map("".join)


def _write(root, head: str, body: str) -> None:
    (root / GENERATED).write_text(f"---\n{head}---\n\n{body}", encoding="utf-8")


def _views(handbook) -> None:
    """The build's own views of every document, as the site and the export make them."""
    for document in handbook.documents:
        if document.valid:
            document_top(handbook, document)
            document_details(handbook, document)
    for function in page_functions(handbook).values():
        function()
    status_report(handbook), regulation_map(handbook), topics(handbook)
    review_json(handbook), review_calendar(handbook, "https://intranet.example/")
    copy_page(handbook.for_inspectors(drafts=True))
    expand_nav([{"Policies": "policies/* by topic"}, "policies/*", "statement-of-purpose/*"], handbook)


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(head=st.one_of(front_matters(), st.text(max_size=60).map(lambda t: t + "\n")), body=bodies)
def test_any_document_gives_findings_or_success_never_an_exception(mini, head, body):
    _write(mini, head, body)
    started = time.monotonic()
    handbook = load_and_check(mini, TODAY)
    assert all(isinstance(f, Finding) and f.path and f.message and f.fix for f in handbook.findings)
    assert all("\n" not in str(f) for f in handbook.findings), "every finding is one line"
    _views(handbook)
    document = handbook.document(GENERATED)
    if document is not None and document.readable:
        PageRenderer(handbook, page_functions(handbook)).attempt(document.body, document.meta)
    assert time.monotonic() - started < SECONDS


# A document whose only Jinja is {{ expressions }} is made without compiling the whole page
# (handbook/loading/rendering.py, `PageRenderer._expressions`). It must come out as Jinja makes it.
EXPRESSION_PIECES = st.sampled_from([
    "{{ home.name }}", "{{ title }}", "{{ edition }}", "{{ version }}", "{{ home.nope }}", "{{ home.contacts }}",
    "{{ 'a}}b' }}", "{{ {'a': {'b': 1}} }}", "{{ '{{' }}", "{{ 1 -}}", "{{- 1 }}", "{{+ 1 }}", "{{ 1 +}}", "{{}}",
    "{{ '\\n' }}", "{{ none }}", "{{ [1, 2]|join(',') }}", "{{ '%s' % 1 }}", "{{ 2**64 }}", "{{ 'x' * 10 }}",
    "{{ range(3)|list }}", "{{ cycler(1, 2).next() }}", "{{ status_report() }}", "{{ cycler.__init__ }}", "{{ 'é' ~ 1 }}",
    "}}", "{", "}", "{{", "%}", "#}", "\n", "\n\n", "\r\n", " ", "-", "+",
])


_loaded: dict = {}


def _loaded_handbook(root) -> tuple[Handbook, PageRenderer, dict]:
    """The mini handbook, its renderer and its policy's front matter, loaded once per test."""
    if root not in _loaded:
        handbook = load_and_check(root, TODAY)
        _loaded[root] = (handbook, PageRenderer(handbook), handbook.document("policies/missing-child.md").meta)
    return _loaded[root]


def _renderer_and_meta(root) -> tuple[PageRenderer, dict]:
    return _loaded_handbook(root)[1:]


@pytest.mark.unit
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(st.one_of(EXPRESSION_PIECES, st.text(max_size=10)), max_size=20).map("".join))
def test_a_document_of_expressions_is_made_as_jinja_makes_it(mini, body):
    _assert_the_quick_way_is_the_whole_render(mini, body)


def _assert_the_quick_way_is_the_whole_render(root, body: str) -> None:
    """The same text or the same problem, with the quick way and without it."""
    renderer, meta = _renderer_and_meta(root)
    quick = renderer.attempt(body, meta, document=True)
    with unittest.mock.patch("handbook.loading.rendering.expressions_only", lambda text: None):
        whole = renderer.attempt(body, meta, document=True)
    assert (type(quick[0]), str(quick[0]), quick[1]) == (type(whole[0]), str(whole[0]), whole[1])


BLOCK_PIECES = st.sampled_from(["{% if edition != 'public' %}", "{%- if edition != 'public' %}", "{% endif %}", "{%- endif -%}",
                                 "{#- note -#}", "{# note #}", "{% raw %}{{{% endraw %}", "  ", "\t"])


@pytest.mark.unit
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(leading=st.text(alphabet="\n", max_size=3),
       text=st.lists(st.one_of(EXPRESSION_PIECES, BLOCK_PIECES, st.text(max_size=10)), max_size=20).map("".join))
@example(leading="\n", text="{%- if edition != 'public' %}\nx{% endif %}")  # the line break taken, one printed
@example(leading="\n", text="{{- '\\n' }}x")
@example(leading="\n\n", text="")
def test_the_build_takes_a_page_as_loading_rendered_it_only_when_it_is_the_same(mini, leading, text):
    """MkDocs gives a page's Markdown without the line breaks that start its body; the build
    reuses the body as loading rendered it only when that is what rendering the page would make."""
    handbook, renderer, meta = _loaded_handbook(mini)
    body = leading + text
    document = Document(GENERATED, meta=meta, body=body, rendered_with=(handbook.home.facts, handbook.edition))
    document.render_problem, document.rendered = renderer.attempt(body, meta, document=True)
    given_text = body.lstrip("\n")
    reused = rendered_as_given(handbook, document, given_text)
    problem, rendered = renderer.attempt(given_text, meta, document=True)
    if reused is not None:
        assert (problem, reused) == (None, rendered)
    elif document.rendered is not None and not given_text.startswith(("{{-", "{%-", "{#-")):
        assert not document.rendered.startswith(body[:len(body) - len(given_text)])  # reused whenever it can be
    assert rendered_as_given(handbook, document, given_text + " ") is None  # another text: rendered for itself
    # The public edition's facts are others (each kept off the website stands in for itself): rendered afresh.
    assert rendered_as_given(handbook.for_website(), document, given_text) is None


@pytest.mark.unit
def test_a_public_page_is_rendered_with_the_websites_facts_not_as_loading_rendered_it(mini):
    handbook = load_and_check(mini, TODAY)
    document = handbook.document("policies/missing-child.md")
    assert document.rendered is not None and document.rendered_with is not None
    assert rendered_as_given(handbook, document, document.body.lstrip("\n")) is not None
    assert rendered_as_given(handbook.for_website(), document, document.body.lstrip("\n")) is None
    assert rendered_as_given(handbook.for_inspectors(), document, document.body.lstrip("\n")) is None


@pytest.mark.unit
def test_a_document_of_expressions_takes_the_quick_way(mini):
    handbook = load_and_check(mini, TODAY)
    renderer = PageRenderer(handbook)
    body = "# {{ title }}\n\nCall {{ home.name }} about version {{ version }}.\n\n"
    spans = expressions_only(body)
    assert spans is not None and len(spans) == 3
    quick = renderer._expressions(body, spans, {**handbook.document("policies/missing-child.md").meta,
                                                 **renderer.document_variables}, _Budget(MAX_SECONDS))
    assert quick == renderer.environment.from_string(body).render(
        {**handbook.document("policies/missing-child.md").meta, **renderer.document_variables})
    assert quick.endswith(".\n") and not quick.endswith("\n\n")
    assert [expressions_only(t) for t in ("{% if x %}", "{# x #}", "{{- x }}", "{{ x }}\r\n", "{{ x }} {{")] == [None] * 5


@pytest.mark.unit
def test_many_long_expressions_stop_at_the_page_limit_without_making_them_all(mini):
    renderer, meta = _renderer_and_meta(mini)
    body = "{{ 'x' * 4000000 }}\n" * QUICK_EXPRESSIONS  # 400 MB if all were made before the total is counted
    started = time.monotonic()
    problem, made = renderer.attempt(body, meta, document=True)
    assert made is None and str(problem) == f"the page it makes would be longer than {MAX_TEXT:,} characters"
    assert time.monotonic() - started < SECONDS


@pytest.mark.unit
@pytest.mark.parametrize("body", [
    "{{ range(60000)|length }} {{ 'a}}' }}",         # the quick way gives up on the second expression...
    "{{ range(99999)|length }}{{ home.nope }}",      # ...and the whole page has a budget of its own
])
def test_a_page_the_quick_way_gives_up_on_is_rendered_whole_with_a_budget_of_its_own(mini, body):
    _assert_the_quick_way_is_the_whole_render(mini, body)


@pytest.mark.unit
def test_the_time_limit_comes_again_when_python_drops_it():
    """Python drops an exception raised in a garbage-collector callback or a __del__ method
    (the CI once saw the time limit lost that way, and a page ran on for 30 seconds)."""
    started = time.monotonic()
    with pytest.raises(TemplateLimit, match="it took longer than 0.1 seconds"):
        with _budgeted(0.1):
            try:
                while True:
                    pass
            except TemplateLimit:
                pass  # dropped, as Python drops it in a garbage-collector callback
            while time.monotonic() - started < 5:
                pass
    assert time.monotonic() - started < 1
    time.sleep(0.2)  # and once the render is over, no late signal interrupts anything


@pytest.mark.unit
def test_a_page_of_thousands_of_expressions_still_stops_at_the_time_limit(mini):
    renderer, meta = _renderer_and_meta(mini)
    body = "".join(f"{{{{ {number} }}}}\n" for number in range(400_000))
    started = time.monotonic()
    problem, made = renderer.attempt(body, meta, document=True)
    assert made is None and str(problem) == f"it took longer than {MAX_SECONDS:g} seconds"
    assert time.monotonic() - started < 2 * MAX_SECONDS + 1


HEADING_LINES = st.sampled_from([
    "# History", "## Document control", "### x { #history }", "## a {: #__config }", "#", "#x", "####### x",
    "Text", "x", "*a* [b](c) `d`", "é", "", " ", "    Code", "\tCode", "=", "===", "-", "---", "- item", "-- ",
    "```", "~~~", "  ```", "x\ry", "x\x0cy", "x\u2028y",
])


@pytest.mark.unit
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM)
@given(text=st.lists(st.one_of(HEADING_LINES, st.text(max_size=6)), max_size=20).map("\n".join))
def test_headings_are_found_as_when_every_line_is_read(text):
    """The headings (and their anchors) read from the lines that can start a heading, a fence or
    an underline are those read from every line."""
    every_line = lambda lines: range(len(lines))  # noqa: E731
    with unittest.mock.patch("handbook.sources.headings._candidate_lines", every_line):
        expected = list(headings._headings(text))
    assert list(headings._headings(text)) == expected

"""Text from the documents' front matter and the data files that reaches a page outside the
document's own Markdown: refused in one line, or escaped where it is placed."""

from __future__ import annotations

import copy

import markdown
import pytest
import yaml
from conftest import MINI_REGISTRY, REGISTERED, REPO, check, front_matter, messages, write_document, write_home
from mkdocs.utils.meta import get_data

from handbook.model.documents import Document, read_document_text
from handbook.sources.errors import HandbookError
from handbook.views.document_page import search_tags
from handbook.views.templating import markdown_code, markdown_text, markdown_url

pytestmark = pytest.mark.unit

POLICY = "policies/missing-child.md"
TERM_FIX = ("write each term as plain words: letters, numbers, spaces, hyphens and apostrophes, up to 40 "
            "characters, for example run away")


# --- search_terms: Material's search shows them as HTML -------------------------------------

def test_a_search_term_holding_html_is_refused(mini):
    write_document(mini, POLICY, front_matter(search_terms=["run away", "<img src=x onerror=alert(1)>"]))
    assert messages(check(mini), "front-matter") == [
        f"policies/missing-child.md, line 22: search_terms[2]: '<img src=x onerror=alert(1)>' is not valid - {TERM_FIX}"]


@pytest.mark.parametrize("term", ["run away\n", "x" * 41, "a_b", "&amp;", "{: #__config }"])
def test_a_search_term_that_is_not_plain_words_is_refused(mini, term):
    write_document(mini, POLICY, front_matter(search_terms=[term]))
    (finding,) = [f for f in check(mini).errors if f.check == "front-matter"]
    assert (finding.field, finding.fix) == ("search_terms[1]", TERM_FIX)


def test_plain_search_terms_in_any_language_pass(mini):
    write_document(mini, POLICY, front_matter(search_terms=["run away", "whistle-blowing", "children's", "café",
                                                            "LADO", "16 plus"]))
    assert check(mini).errors == []


def test_search_terms_reach_the_search_index_escaped():
    document = Document(POLICY, meta={"search_terms": ["<img src=x onerror=alert(1)>", "children's", "a & b"]})
    assert search_tags(document) == ["&lt;img src=x onerror=alert(1)&gt;", "children's", "a &amp; b"]


# --- the regulation registry: its addresses and references go into Markdown links -----------

def _registry(mini, **entry):
    registry = copy.deepcopy(MINI_REGISTRY)
    registry["instruments"]["chr2015"]["regulations"][2].update(entry)
    (mini / "data" / "regulations.yml").write_text(yaml.safe_dump(registry, sort_keys=False), encoding="utf-8")


URL_FIX = ("write the provision's address on legislation.gov.uk, such as "
           "https://www.legislation.gov.uk/uksi/2015/541/regulation/34 (letters, numbers, / . _ ~ and - only)")


@pytest.mark.parametrize("url", ["x){: #__config }", "https://www.legislation.gov.uk/x\"><script>",
                                 "javascript:alert(1)", "https://www.legislation.gov.uk.evil.example/",
                                 "https://www.legislation.gov.uk/uksi/2015/541\n"])
def test_a_registry_address_that_is_not_a_plain_legislation_gov_uk_page_is_refused(mini, url):
    _registry(mini, url=url)
    lines = (mini / "data/regulations.yml").read_text().splitlines()
    line = [n for n, text in enumerate(lines, start=1) if text.strip().startswith("url:")][3]  # the third entry's
    with pytest.raises(HandbookError) as refused:
        check(mini)
    assert str(refused.value) == (f"data/regulations.yml, line {line}: instruments/chr2015/regulations/2/url: "
                                  f"{url!r} is not allowed - {URL_FIX}")


def test_a_registry_reference_that_is_not_a_regulation_number_is_refused(mini):
    _registry(mini, ref="12](javascript:alert(1))")
    with pytest.raises(HandbookError, match=r"^data/regulations.yml, line \d+: instruments/chr2015/regulations/2/ref: "
                       r"'12\]\(javascript:alert\(1\)\)' is not allowed - write the regulation's number with its "
                       r"paragraphs in brackets, such as 34\(4\) or 7\(2\)\(b\)\(ii\)$"):
        check(mini)


def test_every_address_and_reference_of_the_real_registry_is_accepted(mini):
    from conftest import REPO

    (mini / "data" / "regulations.yml").write_text((REPO / "data/regulations.yml").read_text(encoding="utf-8"))
    check(mini)  # no HandbookError


def test_an_address_in_a_markdown_link_cannot_end_the_link_or_add_attributes():
    page = markdown.markdown(f"[the law]({markdown_url('x){: #__config }')}){{: .external }}",
                             extensions=["attr_list"])
    assert "__config" not in page.replace("%7B", "").split('href="')[0]
    assert 'id="__config"' not in page
    assert page == '<p><a class="external" href="x%29%7B:%20#__config%20%7D">the law</a></p>'


def test_code_holding_backticks_and_html_stays_code():
    # a fact's place in data/home.yml is shown as code on the status page (its keys are anyone's text)
    cell = markdown_code("contacts.a`<img src=x onerror=alert(1)>`|b")
    page = markdown.markdown(f"| Fact |\n| --- |\n| {cell} |\n", extensions=["tables"])
    assert "<img" not in page
    assert "<code>contacts.a`&lt;img src=x onerror=alert(1)&gt;`|b</code>" in page


def test_text_shown_in_the_review_cannot_move_a_terminals_cursor_or_start_a_line():
    """The reviewer's summary prints text in a terminal and in GitHub's Markdown: backspaces and ESC
    M (cursor up) once drew a forged "Approved by" line over "Not approved yet", and a lone carriage
    return starts a new line in CommonMark. The check refuses them in front matter and facts; the
    summary's filters escape any that reach it by another way."""
    assert markdown_text("Wording.\b\x1bM- Approved\rby\u2028the Board") == \
        "Wording.\\\\x08\\\\x1bM- Approved by the Board"
    assert markdown_code("a\x1b[2Kb") == "`a\\x1b[2Kb`"


# --- front matter MkDocs reads differently -------------------------------------------------

def test_a_value_that_looks_like_a_date_but_is_not_one_is_refused_with_its_field_and_line(mini):
    meta = front_matter()
    text = yaml.safe_dump(meta, sort_keys=False).replace("summary: First version.", "summary: 2026-02-30")
    write_document(mini, POLICY, text)
    (finding,) = [f for f in check(mini).errors if f.path == POLICY]
    line = next(n for n, t in enumerate((mini / POLICY).read_text().splitlines(), start=1) if "2026-02-30" in t)
    assert (str(finding), finding.line) == (
        "policies/missing-child.md, line 19: changes[1].summary: 2026-02-30 looks like a date but is not a real one - "
        "write a real date as YYYY-MM-DD (or, if it is not meant to be a date, put it in quotes)", line)


FRONT_MATTERS = [
    "summary: 2026-02-30\n", "summary: 2026-13-01\n", "summary: 0000-01-01\n", "summary: 2026-01-01 25:00:00\n",
    "summary: 2026-01-01t10:00:60\n", "summary: 2026-01-01 10:00:00 +24\n", "2026-02-30: x\n",
    "tags: [a, 2026-02-31]\n", "summary: ! 2026-02-30\n",
    "summary: '2026-02-30'\n", "summary: 2026-02-28\n", "summary: 2026-2-30\n", "summary: !!str 2026-02-30\n",
    "summary: 1.10\n", "summary: 1e3\n", "summary: .inf\n", "summary: 0x_\n", "summary: 0b_\n",
    "summary: " + "9" * 5000 + "\n", "a: 1\na: 2\n", "a: &x 1\nb: *x\n", "<<: {a: 1}\n", "a: !!python/name:os.system\n",
    "a: !!binary aGk=\n", "a: !!set {x}\n", "a: !!timestamp 2026-01-01\n", "a: !!float 1\n", "? [a]\n: b\n",
    "- a\n", "\n", "a: [\n",
]


@pytest.mark.parametrize("front", FRONT_MATTERS)
def test_front_matter_the_handbook_reads_is_front_matter_mkdocs_reads(front):
    """Whatever the handbook accepts, MkDocs' own reader (mkdocs/utils/meta.py) reads as the same
    fields, and takes it off the page: it never publishes front matter as the page's text."""
    text = f"---\n{front}---\n\nBody.\n"
    document, problem = read_document_text(POLICY, text)
    body, meta = get_data(text)
    if problem is None:
        assert set(meta) == set(document.meta)
        assert body == "Body.\n"


@pytest.mark.unit
@pytest.mark.parametrize("role", ["Responsible Individual on 2 December 2026.\n<!--", "Manager <b>", "**Lead**"])
def test_a_role_is_plain_words(mini, role):
    """A role is printed as a document's owner and approver, on pages, in the PDF and in the
    reviewer's summary (where a line break and `<!--` once hid the rest of the summary)."""
    roles = yaml.safe_load((REPO / "data" / "home.yml").read_text(encoding="utf-8"))["roles"]
    write_home(mini, registration=REGISTERED, ofsted_urn="SC000000", roles=[role, *roles])
    with pytest.raises(HandbookError) as refused:
        check(mini)
    assert str(refused.value) == (f"data/home.yml: the role {role!r} is not plain words - write a role as letters, "
                                  "spaces, hyphens and apostrophes (up to 60 characters), such as Registered Manager")

"""The public edition's rules, in process: facts kept off the website, what a page may still
print of them however its template is written, links to unpublished documents, the CSP hashes
of inline scripts and the nginx settings `handbook publish` refuses."""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import markdown
import pytest
import yaml
from conftest import FIXTURE, REPO

from handbook.export.publish import Server, check_server, nginx_config, script_hashes
from handbook.loading.rendering import PageRenderer
from handbook.model.handbook import load_handbook
from handbook.model.home import NOT_PUBLISHED, home_from_data
from handbook.sources.errors import HandbookError
from handbook.views.document_links import DocumentLinks
from handbook.views.editions import readable_text, withheld_fact_in

pytestmark = pytest.mark.unit

ADDRESS = "1 Example Road, Testbury, TB1 1AA"


def fixture_facts() -> dict:
    return yaml.safe_load((FIXTURE / "data" / "home.yml").read_text(encoding="utf-8"))


def test_a_fact_kept_off_the_website_prints_for_staff_and_not_on_the_website():
    home = home_from_data(fixture_facts())
    assert str(home.facts["address"]) == ADDRESS
    public = home.for_website()
    assert str(public.facts["address"]) == NOT_PUBLISHED == "not published on this website"
    assert str(public.facts["registered_manager"]["address"]) == NOT_PUBLISHED
    assert str(public.facts["registered_provider"]["address"]) == "2 Example Road, Testbury, TB1 1AB"
    assert home.withheld == {"address": ADDRESS, "registered_manager.address": ADDRESS}
    assert home.withheld_texts() == {ADDRESS: "address and registered_manager.address"}


def test_a_fact_still_to_confirm_can_be_kept_off_the_website():
    facts = fixture_facts()
    facts["address"] = {"to_confirm": "the home's postal address", "website": False}
    home = home_from_data(facts)
    assert str(home.facts["address"]) == "[to confirm: the home's postal address]"
    assert ("address", "the home's postal address") in home.placeholders
    assert str(home.for_website().facts["address"]) == NOT_PUBLISHED
    assert "address" not in home.withheld_texts().values()  # nothing known to look for


def test_the_real_homes_address_is_kept_off_the_website():
    home = home_from_data(yaml.safe_load((REPO / "data" / "home.yml").read_text(encoding="utf-8")))
    assert str(home.for_website().facts["address"]) == NOT_PUBLISHED
    assert str(home.facts["address"]).startswith("[to confirm: ")


def test_a_website_field_written_wrongly_names_the_file_line_and_fact(tmp_path):
    from handbook.model.home import load_home

    (tmp_path / "data").mkdir()
    text = (FIXTURE / "data" / "home.yml").read_text(encoding="utf-8")
    (tmp_path / "data" / "home.yml").write_text(text.replace(
        '  address: {value: "1 Example Road, Testbury, TB1 1AA", website: false}',
        '  address: {value: "1 Example Road, Testbury, TB1 1AA", website: yes}'), encoding="utf-8")
    line = next(n for n, row in enumerate((tmp_path / "data" / "home.yml").read_text().splitlines(), 1)
                if "website: yes" in row)
    with pytest.raises(HandbookError) as raised:
        load_home(tmp_path)
    assert str(raised.value) == (f"data/home.yml, line {line}: registered_manager.address: website: True - a fact kept "
                                 "off the website is written {value: \"...\", website: false}; to publish it, write "
                                 "the value alone")


def test_a_website_field_written_wrongly_is_one_line_naming_the_fact():
    facts = fixture_facts()
    facts["address"] = {"value": ADDRESS, "website": "no"}
    with pytest.raises(HandbookError) as raised:
        home_from_data(facts)
    assert str(raised.value) == ("data/home.yml: address: website: 'no' - a fact kept off the website is written "
                                 "{value: \"...\", website: false}; to publish it, write the value alone")


@pytest.mark.parametrize("written, fields", [
    ({"value": ADDRESS, "website": False, "note": "x"}, "note, value, website"),
    ({"value": ADDRESS, "Website": False}, "Website, value"),
    ({"to_confirm": "the postal address", "WEBSITE": False}, "WEBSITE, to_confirm"),
])
def test_a_fact_kept_off_the_website_written_loosely_is_refused_not_published(written, fields):
    """A near miss of {value: ..., website: false} would otherwise be an ordinary group of facts,
    and `{{ home.address.value }}` would print it on the website."""
    facts = fixture_facts()
    facts["address"] = written
    with pytest.raises(HandbookError) as raised:
        home_from_data(facts)
    assert str(raised.value) == (
        "data/home.yml: address: a fact kept off the website is written exactly {value: \"...\", website: false} "
        f"(or {{to_confirm: \"...\", website: false}}), with no other field; this one has {fields}")


def test_a_group_with_a_fact_named_website_is_still_an_ordinary_group():
    facts = fixture_facts()
    facts["contacts"] = {**facts["contacts"], "council": {"name": "Testbury Council", "website": "https://testbury.example"}}
    home = home_from_data(facts)
    assert home.facts["contacts"]["council"]["website"] == "https://testbury.example"


def test_a_withheld_fact_is_found_through_invisible_characters_and_compatibility_forms():
    withheld = {ADDRESS: "address"}
    assert withheld_fact_in("1 Example Road,\u200b Testbury, TB1\u00ad 1AA", withheld) == "address"
    assert withheld_fact_in("1 Example Road, Testbury, TB1&#8203; 1AA", withheld) == "address"
    assert withheld_fact_in("\uff11 Example Road, Testbury, TB1 1AA", withheld) == "address"  # a full-width 1


@pytest.mark.parametrize("text", [
    "Our postcode is TB1 1AA.",
    "1 Example Road Testbury TB1 1AA",
    "1 Example Road,<br>Testbury, T<b>B1</b> 1AA",
    "Testbury, \u0422\u04121 1\u0410\u0410",  # the postcode in Cyrillic letters
    "TB\u034f1 1AA", "TB1\ufe00 1AA", "Testbury,\u3164TB1 1AA",  # invisible, but not format characters
    "\u1d1b\u0299\u0661 1AA",  # small capitals, and an Arabic-Indic digit
    "Our postcode is TB11 AA.", "t b 1 1 a a", "TB-1-1-AA",  # its space moved (an attacker's review), or spread
])
def test_a_withheld_fact_is_found_however_it_is_written(text):
    assert withheld_fact_in(text, {ADDRESS: "address"}) == "address"


@pytest.mark.parametrize("text, found", [
    ("Call +44 1234 567890.", "phone"), ("Call 01234567890.", "phone"), ('<a href="tel:+441234567890">us</a>', "phone"),
    ("Call 01234 567891.", None), ("We live in Testbury, near the park.", None), ("1 Example Street", None),
])
def test_a_withheld_phone_number_is_found_in_its_other_forms_and_nothing_else(text, found):
    assert withheld_fact_in(text, {ADDRESS: "address", "01234 567890": "phone"}) == found


@pytest.mark.parametrize("text, found", [("Our postcode is M1 1AE.", True), ("M11AE", True), ("M11 AE", True),
                                         ("Room 11 aeroplanes", False), ("Flat M1 1AEB", False), ("Room 1 1 aero", False)])
def test_a_short_postcode_is_found_as_whole_words_only(text, found):
    assert withheld_fact_in(text, {"4 Deansgate, Manchester, M1 1AE": "address"}) == ("address" if found else None)


def test_a_withheld_fact_in_a_pictures_metadata_is_found():
    """A picture published in docs/assets/ may carry text: a PNG comment, an EXIF caption."""
    comment = b"tEXt" + b"Comment\x00Home address: " + ADDRESS.encode("latin-1")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe" + comment + b"\x00\xff"
    assert withheld_fact_in(readable_text("front-door.png", png), {ADDRESS: "address"}) == "address"
    caption = ADDRESS.encode("utf-16-le")  # as Windows writes an EXIF XPComment
    assert withheld_fact_in(readable_text("x.jpg", b"\xff\xd8\xff\xe1" + caption), {ADDRESS: "address"}) == "address"
    assert withheld_fact_in(readable_text("x.png", b"\x89PNG\r\n\x1a\n\xff"), {ADDRESS: "address"}) is None


def test_a_withheld_fact_in_a_pictures_compressed_metadata_is_found():
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", ADDRESS, zip=True)
    picture = io.BytesIO()
    Image.new("RGB", (2, 2)).save(picture, "PNG", pnginfo=info)
    assert ADDRESS.encode() not in picture.getvalue()  # compressed: not in the file as bytes
    assert withheld_fact_in(readable_text("dot.png", picture.getvalue()), {ADDRESS: "address"}) == "address"


@pytest.mark.parametrize("template", [
    "{{ home.address }}",
    "{{ home }}",
    "{{ home.registered_manager }}",
    "{{ home.values()|list }}",
    "{% for key, value in home.items() %}{{ key }}={{ value }} {% endfor %}",
    "{{ home|tojson }}",
    "{{ home.address|string|upper }}",
    '{% set edition = "staff" %}{% if edition != "public" %}{{ home.address }}{% endif %}',
])
def test_no_template_reaches_a_withheld_fact_in_the_public_edition(template):
    handbook = load_handbook(FIXTURE, dt.date(2026, 11, 26)).for_website()
    problem, text = PageRenderer(handbook).attempt(template)
    if template == "{{ home|tojson }}":  # facts are not JSON (a placeholder, a phone number): refused, never printed
        assert text is None and "is not JSON serializable" in str(problem)
        return
    if template.startswith("{% set edition"):  # a page may not set the edition: refused, never printed
        assert text is None and "the edition used any other way" in str(problem)
        return
    if template != "{{ home.address }}":  # nor go through the facts, print a group of them or pass one through a
        # filter (which could choose by its placeholder): refused, never printed
        from handbook.loading.rendering import TemplateShape

        assert text is None and isinstance(problem, TemplateShape), problem
        return
    assert problem is None, problem
    assert "1 Example Road" not in text and "TB1 1AA" not in text


@pytest.mark.parametrize("template", ["{{ home.address.where }}", "{{ home.address.__dict__ }}",
                                      "{{ home.address.__class__.__init__.__globals__ }}"])
def test_the_stand_in_for_a_withheld_fact_has_no_attributes_to_reach(template):
    handbook = load_handbook(FIXTURE, dt.date(2026, 11, 26)).for_website()
    problem, _ = PageRenderer(handbook).attempt(template)
    assert problem is not None


def test_a_withheld_fact_is_found_whatever_its_spacing_case_or_markup():
    withheld = {ADDRESS: "address"}
    assert withheld_fact_in("<td>1 Example Road,\n  TESTBURY, TB1 1AA</td>", withheld) == "address"
    assert withheld_fact_in("<p>1 <strong>Example Road</strong>, Testbury, TB1 1AA</p>", withheld) == "address"
    assert withheld_fact_in("<p>1 Example Road, Testbury, TB1 &#49;AA</p>", withheld) == "address"
    assert withheld_fact_in('<a href="https://maps.example/?q=1+Example+Road%2C+Testbury%2C+TB1+1AA">map</a>',
                            withheld) == "address"
    assert withheld_fact_in("<p>2 Example Road, Testbury, TB1 1AB</p>", withheld) is None


def test_links_to_unpublished_documents_become_their_text():
    unlinker = DocumentLinks({"policies/safeguarding.md"})
    unlinker.page = "statement-of-purpose/statement-of-purpose.md"
    html = markdown.markdown("See the [safeguarding policy](../policies/safeguarding.md#allegations), "
                             "the [guide](childrens-guide.md), [a section](#ethos) and [GOV.UK](https://www.gov.uk).",
                             extensions=[unlinker])
    assert '<span class="unpublished-link">safeguarding policy</span>' in html
    assert 'href="childrens-guide.md"' in html and 'href="#ethos"' in html and 'href="https://www.gov.uk"' in html
    assert "safeguarding.md" not in html


def test_links_to_documents_not_in_force_say_so_unless_the_page_is_a_draft():
    links = DocumentLinks(set(), {"policies/missing-child.md": "draft: not yet in force"},
                          unmarked_pages={"policies/new-rota.md"})
    text = ("[Missing **now**](policies/missing-child.md#now){ .md-button } and [it](policies/missing-child.md) "
            "and [safeguarding](policies/safeguarding.md)")
    links.page = "index.md"
    html = markdown.markdown(text, extensions=[links, "attr_list"])
    assert html == ('<p><a class="md-button" href="policies/missing-child.md#now">Missing <strong>now</strong> '
                    '<span class="not-in-force">(draft: not yet in force)</span></a> and '
                    '<a href="policies/missing-child.md">it <span class="not-in-force">(draft: not yet in force)'
                    '</span></a> and <a href="policies/safeguarding.md">safeguarding</a></p>')
    links.page = "policies/new-rota.md"
    assert "not-in-force" not in markdown.markdown(text.replace("policies/", ""), extensions=[links, "attr_list"])


def test_csp_hashes_are_those_of_the_inline_scripts_that_run(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<script>var a = 1;</script><script src="x.js"></script>'
                                         '<script type="application/json">{"b": 2}</script>', encoding="utf-8")
    (tmp_path / "a" / "page.html").write_text("<script>var a = 1;</script><script>\nvar c = '&amp;';\n</script>",
                                              encoding="utf-8")

    def sha(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert script_hashes(tmp_path) == sorted([sha("var a = 1;"), sha("\nvar c = '&amp;';\n")])


def server(tmp_path: Path, **changes) -> Server:
    values = {"htpasswd": tmp_path / "outside" / "htpasswd", "server_name": "handbook.example.org", "listen": "443"}
    values.update(changes)
    return Server(**values)


@pytest.mark.parametrize("changes, message", [
    ({"htpasswd": "REPO/data/htpasswd"}, "--htpasswd REPO/data/htpasswd: keep it outside the handbook's repository, "
     "which everyone who can read the repository can read - for example /etc/nginx/cura-handbook.htpasswd"),
    ({"htpasswd": Path("htpasswd")}, "--htpasswd htpasswd: give the full path (starting with /), as nginx reads it"),
    ({"htpasswd": Path("/etc/nginx/pass words")}, "--htpasswd /etc/nginx/pass words: the path holds a space, a quote "
     "or one of $ ; { } # - use a path without them"),
    ({"server_name": "evil; include /etc/passwd"}, "--server-name evil; include /etc/passwd: not a host name - write "
     "one name such as handbook.example.org"),
    ({"listen": "80; x"}, "--listen 80; x: write a port (443) or an address and port (127.0.0.1:8080)"),
    ({"tls_certificate": Path("/etc/ssl/cert.pem")}, "--tls-certificate and --tls-key: give both (HTTPS) or neither "
     "(HTTP)"),
])
def test_publish_refuses_settings_nginx_could_not_use_safely(tmp_path, changes, message):
    if changes.get("htpasswd") == "REPO/data/htpasswd":
        changes = {"htpasswd": REPO / "data" / "htpasswd"}
        message = message.replace("REPO", str(REPO))
    with pytest.raises(HandbookError) as raised:
        check_server(server(tmp_path, **changes), REPO)
    assert str(raised.value) == message


def test_hsts_is_sent_only_over_https(tmp_path):
    hashes = {"staff": ["abc="], "public": []}
    plain = nginx_config(REPO, tmp_path, server(tmp_path), hashes, "Cura Care Homes", dt.date(2026, 12, 2))
    secure = nginx_config(REPO, tmp_path, server(tmp_path, tls_certificate=Path("/etc/ssl/c.pem"),
                                                  tls_key=Path("/etc/ssl/k.pem")),
                          hashes, "Cura Care Homes", dt.date(2026, 12, 2))
    assert "Strict-Transport-Security" not in plain
    assert secure.count('add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;') == 3
    assert "listen 443 ssl http2;" in secure and 'ssl_certificate "/etc/ssl/c.pem";' in secure
    assert "'unsafe-inline'" not in secure and "script-src 'self' 'sha256-abc='" in secure


def test_the_home_name_cannot_break_out_of_the_nginx_configuration(tmp_path):
    config = nginx_config(REPO, tmp_path, server(tmp_path), {"staff": [], "public": []},
                          'Evil" ; include /etc/shadow; "', dt.date(2026, 12, 2))
    assert 'auth_basic "Evil  include etcshadow  handbook";' in config
    assert "include /etc/shadow" not in config


def test_copy_of_facts_is_not_changed_by_the_public_edition():
    data = fixture_facts()
    before = copy.deepcopy(data)
    home_from_data(data).for_website()
    assert data == before


def test_about_this_copy_tells_the_inspector_how_to_check_it():
    """An inspector's review: the copy said "Ask the home to check the copy you hold against that
    list", and named neither where the list is nor the command the README gives inspectors."""
    from handbook.views.editions import copy_page

    page = copy_page(load_handbook(FIXTURE, dt.date(2026, 11, 26)).for_inspectors(drafts=True))
    assert ("The list is kept in the zip, with the pages. To check the copy you hold against it, run `handbook "
            "verify` on the zip") in page


def test_a_copy_with_no_review_date_carries_no_stale_notice_with_a_gap():
    """An inspector's review: each page's source held "today is after , when a document in it was
    due for review" (a draft copy has no document with a next review): no notice is written then."""
    from handbook.views.editions import copy_stamp

    handbook = load_handbook(FIXTURE, dt.date(2026, 11, 26)).for_inspectors(drafts=True)
    stamp = copy_stamp(handbook, "inspector-copy.html")
    assert ("today is after ," not in stamp) and ("copy-stamp__stale" in stamp) == ("data-earliest-review" in stamp)
    drafts = dataclasses.replace(handbook, documents=[d for d in handbook.documents if d.status != "approved"])
    assert "copy-stamp__stale" not in copy_stamp(drafts, "inspector-copy.html")


def test_a_draft_copy_lists_the_facts_still_to_confirm_and_where_they_show():
    """An inspector's review: a draft copy showed 31 facts "[to confirm: ...]" 76 times and listed
    none of them (the status page that does is for staff). A second one: the list left out what
    the home page alone shows (the DSL's phone number) and, for a fact a document shows too, the
    home page."""
    from conftest import REPO, last_touched

    from handbook.checks import load_and_check
    from handbook.views.editions import copy_page

    handbook = load_and_check(REPO, last_touched(REPO))
    page = copy_page(handbook.for_inspectors(drafts=True))
    rows = page.split("## Facts still to confirm", 1)[1].split("## How the home", 1)[0]
    shown = set(handbook.for_inspectors(drafts=True).placeholders_shown()) | set(handbook.printed["docs/index.md"])
    assert len([row for row in rows.splitlines() if row.startswith("| `")]) == len(shown) > 0
    assert ("| `age_range` | age range on the registration certificate, for example 11 to 17 | Admissions and "
            "matching procedure, Statement of Purpose |") in rows
    assert ("| `contacts.designated_safeguarding_lead.phone` | the DSL's phone number | Safeguarding policy, the home "
            "page |") in rows
    assert ("| `contacts.on_call_manager.phone` | the on-call manager's phone number | Medicines policy, Missing child "
            "policy, Notifications procedure, Safeguarding policy, Self-harm and suicide risk procedure, Staff employment "
            "policy, Whistleblowing policy, the home page |") in rows
    final = handbook.for_inspectors(drafts=False)  # approved documents only: none of them prints one,
    rows = copy_page(final).split("## Facts still to confirm", 1)[1].split("## How the home", 1)[0]  # the home page does
    listed = [row for row in rows.splitlines() if row.startswith("| `")]
    assert not final.placeholders_shown() and listed and all(row.endswith("| the home page |") for row in listed)

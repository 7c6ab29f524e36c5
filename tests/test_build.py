"""End to end: the real handbook and the fixture handbook build, and a throwaway copy of the
fixture broken in each way the build must refuse fails `mkdocs build` and `handbook check`
with a one-line message naming the file, without a traceback, and without touching site/."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from conftest import (
    BIN,
    REPO,
    commit_all,
    copy_real_handbook,
    fixture_today,
    front_matter,
    handbook_command,
    last_touched,
    mkdocs_build,
    run,
    write_document,
)

pytestmark = pytest.mark.build

REAL_HANDBOOK_FINDINGS = {"home-placeholder", "expected-regulation", "awaiting-approval", "law-to-verify",
                          "review-due-soon"}


def test_a_new_document_not_yet_committed_builds_strictly(handbook_copy):
    """A new user's review: a new draft, written as the README says and passing `make check`,
    stopped `make build` until it was committed (git has no history for it, which the dates plugin
    warned of, and a strict build stops on a warning)."""
    commit_all(handbook_copy, fixture_today())
    day = fixture_today().isoformat()
    write_document(handbook_copy, "policies/pets.md", front_matter(
        id="pets", title="Pets policy", status="draft", regulations=[], last_reviewed=None, audience=["staff"],
        changes=[{"version": "0.1", "date": day, "summary": "First draft."}], version="0.1"))
    result = mkdocs_build(handbook_copy, HANDBOOK_GIT_DATES="true")
    assert result.returncode == 0, result.stderr
    assert "Pets policy" in (handbook_copy / "site" / "policies" / "pets.html").read_text(encoding="utf-8")


def test_only_pages_whose_file_holds_what_they_show_carry_a_last_update_date(handbook_copy):
    """An inspector's review: the review schedule said "Last update: 2 December 2026", the date of
    its template's last commit, under documents changed since. A page made from the documents or
    the home's facts carries no such date; a document's page carries its own file's."""
    commit_all(handbook_copy, fixture_today())
    result = mkdocs_build(handbook_copy, HANDBOOK_GIT_DATES="true")
    assert result.returncode == 0, result.stderr
    site = handbook_copy / "site"
    dated = {page for page in ("index.html", "regulation-map.html", "review-schedule.html", "status.html",
                               "topics.html", "policies/missing-child.html", "how-to/add-or-review-a-document.html")
             if "git-revision-date-localized-plugin" in (site / page).read_text(encoding="utf-8")}
    assert dated == {"policies/missing-child.html", "how-to/add-or-review-a-document.html"}


def test_fixture_handbook_builds_with_no_error_finding(handbook_copy):
    result = mkdocs_build(handbook_copy)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr
    site = handbook_copy / "site"
    for page in ["index.html", "status.html", "policies/missing-child.html",
                 "statement-of-purpose/statement-of-purpose.html", "statement-of-purpose/childrens-guide.html"]:
        assert (site / page).is_file(), page
    missing = (site / "policies/missing-child.html").read_text()
    assert "Cura Care Homes" in missing and "{{" not in missing
    assert "version 1.1 by Responsible Individual on 26 November 2026" in missing
    assert "[to confirm: " not in (site / "statement-of-purpose/statement-of-purpose.html").read_text()
    sitemap = (site / "sitemap.xml").read_text()  # no <lastmod>: MkDocs would date every page by the build
    assert sitemap.startswith("<?xml") and "<loc>" in sitemap and "<lastmod>" not in sitemap


def test_a_draft_retired_before_it_was_approved_is_shown_as_never_approved(handbook_copy):
    """An audit: a retired draft's Document control said "not yet approved", as if it still might be."""
    (handbook_copy / "policies/old-rota.md").write_text(
        '---\nid: old-rota\ntitle: Old rota procedure\nsummary: How shifts were swapped before the new rota.\n'
        'kind: procedure\nstatus: retired\nversion: "0.2"\nowner: Registered Manager\nreview_every_months: 12\n'
        'regulations: []\naudience: [staff, inspectors]\nchanges:\n  - version: "0.2"\n    date: 2026-11-20\n'
        '    summary: Retired before it was approved.\n---\n\nStaff swapped shifts by asking the manager.\n',
        encoding="utf-8")
    result = mkdocs_build(handbook_copy)
    assert result.returncode == 0, result.stderr
    page = (handbook_copy / "site/policies/old-rota.html").read_text()
    assert "<td>version 0.2 not approved</td>" in page
    assert "Last reviewed" in page and "not yet approved" not in page


def test_a_link_to_a_document_not_in_force_says_so_where_the_page_does_not(handbook_copy):
    """An audit: the home page's quick help repeats steps from policies, and showed them with no
    word that the policies were drafts. A link to a draft or retired document now says so, on
    every page that is not itself a draft (a draft page says so at its top)."""
    def procedure(name: str, status: str, version: str, changes: str, body: str) -> None:
        (handbook_copy / f"policies/{name}.md").write_text(
            f"---\nid: {name}\ntitle: {name.replace('-', ' ').capitalize()} procedure\nsummary: How staff work.\n"
            f"kind: procedure\nstatus: {status}\nversion: \"{changes[14:17]}\"\nowner: Registered Manager\n"
            f"last_reviewed: 2026-11-20\nreview_every_months: 12\nregulations: []\naudience: [staff, inspectors]\n"
            f"changes:\n{changes}---\n\n{body}\n", encoding="utf-8")

    procedure("new-rota", "draft", "0.2", '  - version: "0.2"\n    date: 2026-11-20\n    summary: Shorter.\n'
              '  - version: "0.1"\n    date: 2026-11-20\n    approved_by: Responsible Individual\n'
              '    approved_on: 2026-11-20\n    summary: First version.\n', "As agreed.")
    procedure("night-checks", "draft", "0.1", '  - version: "0.1"\n    date: 2026-11-20\n    summary: First draft.\n',
              "Follow the [new rota procedure](new-rota.md) and the [safeguarding policy](safeguarding.md).")
    procedure("old-rota", "retired", "0.2", '  - version: "0.2"\n    date: 2026-11-20\n    summary: Retired.\n',
              "Replaced by the [night checks procedure](night-checks.md).")
    bullying = handbook_copy / "policies/anti-bullying.md"
    bullying.write_text(bullying.read_text() + "\nAt night, see the [night checks](night-checks.md).\n", encoding="utf-8")
    index = handbook_copy / "docs/index.md"
    index.write_text(index.read_text() + "\n- [New rota](policies/new-rota.md)\n- [Night checks](policies/night-checks.md)"
                     "\n- [Old rota](policies/old-rota.md)\n", encoding="utf-8")
    result = mkdocs_build(handbook_copy)
    assert result.returncode == 0, result.stderr
    site = handbook_copy / "site"
    home = (site / "index.html").read_text()
    assert '<a href="policies/new-rota.html">New rota <span class="not-in-force">(draft of a new version)</span></a>' in home
    assert ('<a href="policies/night-checks.html">Night checks <span class="not-in-force">(draft: not yet in force)'
            '</span></a>') in home
    assert ('<a href="policies/old-rota.html">Old rota <span class="not-in-force">(retired: no longer in force)'
            '</span></a>') in home
    assert ('href="policies/missing-child.html#if-a-child-is-missing-now">A child is missing: what to do now</a>') in home
    approved = (site / "policies/anti-bullying.html").read_text()
    assert ('<a href="night-checks.html">night checks <span class="not-in-force">(draft: not yet in force)'
            '</span></a>') in approved
    assert '<a href="missing-child.html">missing child policy</a>' in approved
    draft = (site / "policies/night-checks.html").read_text()
    assert '<a href="new-rota.html">new rota procedure</a>' in draft and "not-in-force" not in draft
    retired = (site / "policies/old-rota.html").read_text()
    assert ('<a href="night-checks.html">night checks procedure <span class="not-in-force">(draft: not yet in force)'
            '</span></a>') in retired
    # A new user's review: the status page said "(draft: not yet in force) (draft)".
    status = (site / "status.html").read_text()
    assert ('<a href="policies/night-checks.html">Night checks procedure <span class="not-in-force">(draft: not yet '
            'in force)</span></a></td>') in status, status


def test_the_theme_reaches_the_site_when_the_environment_lives_in_the_repository(handbook_copy):
    """`make` puts the virtual environment in the repository (.venv), so the theme's own
    stylesheets and scripts come from inside it: the file allowlist, which governs the handbook's
    folders, must not drop them (they did, once, and every page lost its look)."""
    (handbook_copy / ".venv").symlink_to(BIN.parent, target_is_directory=True)
    result = run([str(handbook_copy / ".venv" / "bin" / "python"), "-m", "mkdocs", "build", "--strict"], handbook_copy)
    assert result.returncode == 0, result.stderr
    site = handbook_copy / "site"
    page = (site / "policies/missing-child.html").read_text()
    assets = re.findall(r'(?:href|src)="\.\./(assets/(?:stylesheets|javascripts)/[^"]+)"', page)
    assert any(re.fullmatch(r"assets/stylesheets/main\.[0-9a-f]+\.min\.css", a) for a in assets), assets
    assert any(re.fullmatch(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js", a) for a in assets), assets
    missing = [asset for asset in assets if not (site / asset).is_file()]
    assert missing == [], f"the page links assets the site does not hold: {missing}"


def test_real_handbook_is_honest_drafts_while_applying(tmp_path):
    """The real home is applying for registration: nothing is approved yet, the build passes, and
    every document page says it is a draft before anything else."""
    real = copy_real_handbook(tmp_path / "real")
    today = last_touched(REPO)
    check = handbook_command(real, "check", "--format", "json", today=today)
    report = json.loads(check.stdout)
    assert check.returncode == 0, [f["message"] for f in report["findings"] if f["severity"] == "error"]
    assert {f["check"] for f in report["findings"]} <= REAL_HANDBOOK_FINDINGS
    build = mkdocs_build(real, today=today)
    assert build.returncode == 0, build.stderr
    for source in list((real / "policies").glob("*.md")) + list((real / "statement-of-purpose").glob("*.md")):
        assert "approved_on" not in source.read_text(), f"{source.name} records an approval nobody gave"
        assert "ofsted_notified_on" not in source.read_text(), f"{source.name} records a notice nobody sent"
        html = (real / "site" / source.relative_to(real).with_suffix(".html")).read_text()
        article = html[html.index('<article'):]
        assert "Draft: not yet approved" in article[:article.index("<table")], source.name
        assert "by Responsible Individual on" not in html, f"{source.name} shows an approval nobody gave"
    home = (real / "site/index.html").read_text()
    quick_help = home[home.index('id="quick-help"'):home.index('id="the-statement-of-purpose-and-childrens-guide"')]
    buttons = re.findall(r'<a class="md-button md-button--primary"[^>]*>(.*?)</a>', quick_help)
    assert len(buttons) == 6 and all(b.endswith('<span class="not-in-force">(draft: not yet in force)</span>')
                                     for b in buttons), buttons


def _set_field(root, relative, **changes):
    path = root / relative
    text = path.read_text()
    head, body = text.split("\n---\n", 1)
    meta = yaml.safe_load(head.removeprefix("---\n"))
    for key, value in changes.items():
        if value is None:
            meta.pop(key)
        else:
            meta[key] = value
    path.write_text("---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + body)


def _overdue(root):
    _set_field(root, "policies/missing-child.md", last_reviewed="2020-01-15")


def _required_regulation_without_document(root):
    _set_field(root, "policies/anti-bullying.md", status="draft")


def _unknown_regulation(root):
    _set_field(root, "policies/complaints.md", regulations=["39", "399"])


def _malformed_yaml(root):
    path = root / "policies/safeguarding.md"
    path.write_text(path.read_text().replace("title: ", "title: [", 1))


def _missing_field(root):
    _set_field(root, "policies/behaviour-management.md", owner=None)


def _impossible_date(root):
    path = root / "policies/missing-child.md"
    text = path.read_text()
    path.write_text(re.sub(r"(?m)^last_reviewed: .*$", 'last_reviewed: "2026-02-30"', text, count=1))


def _unquoted_impossible_date(root):
    # MkDocs' own reader fails on it, and would publish the whole front matter as the page's text
    path = root / "policies/missing-child.md"
    path.write_text(re.sub(r"(?m)^(    summary: ).*$", r"\g<1>2026-02-30", path.read_text(), count=1))


def _version_raised_without_approval(root):
    path = root / "policies/missing-child.md"
    text = path.read_text().replace('version: "1.1"', 'version: "1.2"', 1)
    path.write_text(text.replace("changes:\n", "changes:\n  - version: \"1.2\"\n    date: 2026-11-26\n"
                                 "    summary: Night staff call the on-call manager first.\n", 1))


def _approved_document_prints_a_placeholder(root):
    path = root / "policies/complaints.md"
    path.write_text(path.read_text() + "\nOur company number is {{ home.company_number }}.\n")



def _duplicate_id(root):
    _set_field(root, "policies/complaints.md", id="safeguarding")


def _jinja_shell_payload(root):
    path = root / "policies/anti-bullying.md"
    marker = root / "PWNED"
    path.write_text(path.read_text() + "\n{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}\n")


def _schedule_1_matter_unmapped(root):
    path = root / "statement-of-purpose/statement-of-purpose.md"
    path.write_text(re.sub(r"(?m)^  14: .*\n", "", path.read_text(), count=1))


def _guide_item_unmapped(root):
    path = root / "statement-of-purpose/childrens-guide.md"
    path.write_text(re.sub(r"(?m)^  advocacy: .*\n", "", path.read_text(), count=1))


BREAKS = {
    "overdue review": (_overdue, "policies/missing-child.md, line 10: review overdue since 15 January 2021"),
    "required regulation without a document": (
        _required_regulation_without_document,
        "data/regulations.yml: Regulation 34(3) (Anti-bullying policy) has no approved document "
        "(policies/anti-bullying.md is draft)"),
    "unknown regulation": (_unknown_regulation,
                           "policies/complaints.md, line 12: regulations: '399' is not in the regulation registry"),
    "malformed YAML": (_malformed_yaml, "policies/safeguarding.md, line 4: the front matter is not valid YAML"),
    "missing field": (_missing_field, "policies/behaviour-management.md, line 32: missing field 'owner' - add owner:"),
    "impossible date": (_impossible_date,
                        "policies/missing-child.md, line 9: last_reviewed: '2026-02-30' is not a real date - write the date"),
    "unquoted impossible date": (_unquoted_impossible_date,
                                 "policies/missing-child.md, line 19: changes[1].summary: 2026-02-30 looks like a date but "
                                 "is not a real one - write a real date as YYYY-MM-DD"),
    "version raised without approval": (
        _version_raised_without_approval,
        "policies/missing-child.md, line 14: version 1.2 (26 November 2026) has no approval; the approval shown "
        "(26 November 2026) is for version 1.1 - record who approved 1.2 and when"),
    "approved document printing a placeholder": (
        _approved_document_prints_a_placeholder,
        "data/home.yml: company_number is still to confirm (company number, as shown on Companies House) but "
        "approved documents print it: policies/complaints.md - write the confirmed fact in data/home.yml"),
    "duplicate id": (_duplicate_id, "id 'safeguarding' is already used by"),
    "Jinja shell payload": (_jinja_shell_payload,
                            "policies/anti-bullying.md, line 124: a {{ }} expression tries to reach Python internals"),
    "Schedule 1 matter without a section": (
        _schedule_1_matter_unmapped, "statement-of-purpose/statement-of-purpose.md, line 21: Schedule 1 matter 14 ("),
    "children's guide item without a section": (
        _guide_item_unmapped, "statement-of-purpose/childrens-guide.md, line 15: children's guide item advocacy ("),
}


@pytest.mark.parametrize("name", list(BREAKS))
def test_broken_handbook_fails_build_and_check(handbook_copy, name):
    breaker, expected = BREAKS[name]
    breaker(handbook_copy)
    site = handbook_copy / "site"
    site.mkdir()
    (site / "previous.html").write_text("the last good build")

    build = mkdocs_build(handbook_copy)
    assert build.returncode != 0
    assert "Traceback" not in build.stderr + build.stdout
    lines = [line for line in build.stderr.splitlines() if expected in line]
    assert len(lines) == 1, build.stderr
    # One line: where, what is wrong, a dash, what to do.
    assert re.fullmatch(r"ERROR    -  [\w./-]+(?:, line \d+)?: .+ - .+", lines[0]), lines[0]
    assert "nothing was built - fix each one, then build again" in build.stderr
    assert sorted(p.name for p in site.iterdir()) == ["previous.html"], "site/ was touched"
    assert not (handbook_copy / "PWNED").exists()

    check = handbook_command(handbook_copy, "check")
    assert check.returncode == 1
    assert "Traceback" not in check.stderr + check.stdout
    assert any(line.startswith("ERROR: ") and expected in line for line in check.stdout.splitlines()), check.stdout
    assert not (handbook_copy / "PWNED").exists()


def test_warnings_are_shown_but_never_fail_the_build(handbook_copy):
    result = mkdocs_build(handbook_copy)
    assert result.returncode == 0
    assert "WARNING  -  data/home.yml: " in result.stderr


def test_broken_data_file_fails_with_the_file_named(handbook_copy):
    (handbook_copy / "data/home.yml").write_text("name: [Cura\n")
    build = mkdocs_build(handbook_copy)
    assert build.returncode != 0 and "Traceback" not in build.stderr
    assert re.search(r"data/home.yml, line \d+: the YAML is not valid", build.stderr)
    check = handbook_command(handbook_copy, "check")
    assert check.returncode == 1 and re.match(r"ERROR: data/home.yml, line \d+: the YAML is not valid", check.stderr)

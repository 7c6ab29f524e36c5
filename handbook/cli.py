"""The `handbook` command: the same checks as the site build, from the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from handbook.checks import load_and_check
from handbook.checks.change_discipline import check_against_base
from handbook.checks.kept import Checked, check_kept, load_and_check_kept
from handbook.checks.provider import check_home, check_provider, merge_findings
from handbook.export import PUBLIC_KEY_FILE
from handbook.model.findings import one_line, sort_key
from handbook.model.provider import is_provider
from handbook.sources.clock import today
from handbook.sources.errors import BuildFailed, HandbookError
from handbook.sources.git import resolve
from handbook.views.provider import provider_json

# `handbook check` is the command people run most, so only what it needs is imported here: each
# other command imports its own modules when it runs (the export's PDF and zip modules alone take
# longer to import than checking the real handbook). pyproject.toml allows this file, and only
# this file, to import inside a function.


def _repository_root(start: Path) -> Path:
    for folder in [start, *start.parents]:
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise HandbookError(f"{start}: no mkdocs.yml here or above - run the command inside the handbook repository")


def command_check(args) -> int:
    root = _repository_root(Path(args.root).resolve())
    if args.base is not None:
        resolve(root, args.base)  # an empty or unknown ref, no repository, a shallow clone: say so first
    if args.home is None and is_provider(root):
        return _check_provider(root, args)
    if args.home is None and args.base is None:
        checked = check_kept(root, today())
    else:
        handbook = check_home(root, today(), args.home) if args.home else load_and_check_kept(root, today())
        if args.base is not None:
            handbook.findings = sorted(handbook.findings + check_against_base(handbook, args.base), key=sort_key)
        checked = Checked.of(handbook)
    if args.format == "json":
        print(json.dumps({
            "today": checked.today.isoformat(),
            "errors": len(checked.errors),
            "warnings": len(checked.warnings),
            "findings": [f.to_dict() for f in checked.findings],
        }, indent=2))
    else:
        for finding in checked.findings:
            print(f"{finding.severity.value.upper()}: {finding}")
        print(f"Checked {checked.documents} documents on {checked.today.isoformat()}: "
              f"{_counted(checked.errors, 'error')}, {_counted(checked.warnings, 'warning')}.")
    return 1 if checked.errors else 0


def _check_provider(root: Path, args) -> int:
    """Every home of a provider: each finding once, naming its homes."""
    provider = check_provider(root, today())
    if args.base is not None:
        changes = {home_id: check_against_base(handbook, args.base)
                   for home_id, handbook in provider.homes.items()}
        provider.findings = merge_findings({i: provider.findings + found for i, found in changes.items()})
    if args.format == "json":
        print(json.dumps(provider_json(provider), indent=2))
    else:
        for finding in provider.findings:
            print(f"{finding.severity.value.upper()}: {finding}")
        documents = len({d.path for handbook in provider.homes.values() for d in handbook.documents})
        print(f"Checked {len(provider.homes)} homes ({documents} documents) on {provider.today.isoformat()}: "
              f"{_counted(provider.errors, 'error')}, {_counted(provider.warnings, 'warning')}.")
    return 1 if provider.errors else 0


PROVIDER_REVIEW = ("The reviewer's summary is made for a single home's handbook, and this one has homes (homes/): "
                   "no summary was made. `handbook check --base` checks the change home by home; read each changed "
                   "file in the pull request itself.")


def command_review(args) -> int:
    """The reviewer's summary of the change against REF, as Markdown. Exit 1 when something
    stops the merge (the errors `handbook check --base REF` reports)."""
    from handbook.views.review_summary import render_review, review_summary
    root = _repository_root(Path(args.root).resolve())
    if is_provider(root):  # the pull request's workflow still shows this, in place of a summary
        print(PROVIDER_REVIEW)
        return 0
    handbook = load_and_check(root, today())
    summary = review_summary(handbook, args.base)
    sys.stdout.write(render_review(summary))
    return 1 if summary.stops else 0


def command_lint(args) -> int:
    """The house style (.vale.ini), one finding a line as Vale prints them. Exit 1 on any
    error-level finding; warnings are shown but do not fail."""
    from handbook.style import format_vale, lint
    root = _repository_root(Path(args.root).resolve())
    paths = [Path(p).resolve() for p in args.paths] or None
    findings = lint(root, paths)
    for finding in findings:
        print(format_vale(finding))
    errors = [f for f in findings if f.is_error]
    warnings = [f for f in findings if not f.is_error]
    print(f"House style: {_counted(errors, 'error')}, {_counted(warnings, 'warning')}.", file=sys.stderr)
    return 1 if errors else 0


def _refused(refused) -> int:
    """Each finding that stopped an export (an ExportRefused), then the reason, in one line each."""
    for finding in refused.findings:
        print(f"ERROR: {finding}")
    print(f"ERROR: {refused}", file=sys.stderr)
    return 1


def command_export(args) -> int:
    from handbook.export.bundle import ExportRefused, export, export_as_of
    from handbook.export.document_copy import childrens_guide_booklet, document_copy
    root = _repository_root(Path(args.root).resolve())
    if args.document is not None:
        if args.as_of:
            raise HandbookError("--document and --as-of: a one-document copy is of the handbook as it stands - "
                                "leave out --as-of")
        try:
            made_copy = document_copy(root, Path(args.dist).resolve(), today(), args.document, draft=args.draft,
                                      home_id=args.home)
        except ExportRefused as refused:
            return _refused(refused)
        print(f"Made {made_copy} ({made_copy.stat().st_size // 1024} KB)")
        return 0
    if args.as_of:
        try:
            day = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise HandbookError(f"--as-of {args.as_of}: not a date - write it as YYYY-MM-DD") from None
        if day > today():
            raise HandbookError(f"--as-of {args.as_of}: that day has not come yet - a copy can only show the "
                                "handbook as it stood on a day up to today")
        result = export_as_of(root, Path(args.dist), day, draft=args.draft, home_id=args.home)
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        return result.returncode
    try:
        made = export(root, Path(args.dist).resolve(), today(), draft=args.draft, home_id=args.home)
    except ExportRefused as refused:
        return _refused(refused)
    print(f"Made {made.zip_path} ({made.zip_path.stat().st_size // 1024} KB)")
    print(f"Made {made.pdf_path} ({made.pdf_path.stat().st_size // 1024} KB)")
    booklet = childrens_guide_booklet(root, Path(args.dist).resolve(), today(), draft=args.draft, home_id=args.home)
    if booklet is not None:
        print(f"Made {booklet} ({booklet.stat().st_size // 1024} KB): the children's guide, an A5 booklet to print")
    return 0


def command_publish(args) -> int:
    from handbook.export.bundle import ExportRefused
    from handbook.export.publish import Server, publish
    root = _repository_root(Path(args.root).resolve())
    server = Server(htpasswd=Path(args.htpasswd), server_name=args.server_name,
                    listen=args.listen or ("443" if args.tls_certificate else "80"),
                    public_server_name=args.public_server_name,
                    tls_certificate=Path(args.tls_certificate) if args.tls_certificate else None,
                    tls_key=Path(args.tls_key) if args.tls_key else None)
    try:
        made = publish(root, Path(args.out) if args.out else root / "publish", today(), server)
    except ExportRefused as refused:
        return _refused(refused)
    print(f"Made {made.out}/staff (the staff intranet: staff sign in) and {made.out}/public (the public website)")
    print(f"Made {made.config} (nginx; the password file it names: {args.htpasswd})")
    return 0


def _counted(things: list, word: str) -> str:
    """'1 error', '3 errors'."""
    return f"{len(things)} {word}{'' if len(things) == 1 else 's'}"


def _public_key(args):
    """The key to check a signed copy with, and where it was found: --public-key, or the home's key
    in the handbook repository around the current folder (never one inside an exported copy,
    which would vouch for itself)."""
    from handbook.export.layout import ABOUT_PAGE, MANIFEST, SIGNATURE
    from handbook.export.signing import read_public_key
    from handbook.sources.files import has_controls
    if args.public_key:
        return read_public_key(Path(args.public_key)), args.public_key
    try:
        here = Path.cwd().resolve()
        root = _repository_root(here)
        # Is the current folder in an exported copy (a folder holding two of a copy's marks)?
        copy = next((folder for folder in (here, *here.parents)
                     if sum((folder / mark).exists() for mark in (MANIFEST, SIGNATURE, ABOUT_PAGE)) >= 2), None)
    except OSError as problem:
        raise HandbookError(f"the current folder cannot be read ({problem.strerror}) - give the home's public key "
                            "with --public-key FILE") from None
    except HandbookError:
        return None, None
    if copy is not None and (root == copy or copy in root.parents):  # the key would come from inside the copy
        raise HandbookError(f"{copy}: an exported copy, not the home's handbook, so a key found in it proves nothing - "
                            "give the home's public key with --public-key FILE")
    published = root / PUBLIC_KEY_FILE
    if has_controls(str(published)):
        raise HandbookError(f"{str(published)!r}: the key's path holds a control character or a direction mark - "
                            "give the home's public key with --public-key FILE")
    return (read_public_key(published), str(published)) if published.is_file() else (None, None)


def command_verify(args) -> int:
    from handbook.export.verify import UNSIGNED, verify
    from handbook.sources.files import has_controls
    for given in (args.bundle, args.pdf, args.public_key):
        if given and has_controls(given):  # printed, it could draw a success over what verify says
            raise HandbookError(f"{given!r}: the file's name holds a control character or a direction mark - rename "
                                "the file, then verify it")
    bundle = Path(args.bundle)
    public_key, key_file = _public_key(args)
    result = verify(bundle, public_key, Path(args.pdf) if args.pdf else None)
    for difference in result.differences:
        print(f"{bundle}: {difference}")
    if not result.matches:
        print(f"{bundle}: does NOT match its manifest ({len(result.differences)} difference(s)) - do not rely on "
              "this copy; ask the home for a new one", file=sys.stderr)
        return 1
    matching = "every file matches its manifest"
    if result.pdf_checked:
        listed = result.manifest["pdf"]["file"]
        matching += f", and so does the PDF {result.pdf_checked}" + (
            f" (made as {listed})" if result.pdf_checked != listed else "")
    if not result.signed_by and public_key is not None:  # a home with a key signs its copies
        print(f"{bundle}: NOT signed, though the home has a signing key (the public key in {key_file}): its copies "
              "are signed, so this one was made without the key or had its signature removed - do not rely on it; "
              "ask the home for a signed copy", file=sys.stderr)
        return 1
    if not result.signed_by and not args.allow_unsigned:
        print(f"{bundle}: {UNSIGNED} - ask the home for a signed copy, or accept it with --allow-unsigned",
              file=sys.stderr)
        if not result.whole:  # said now, not only on a second run with --allow-unsigned (an inspector's review)
            print(f"{bundle}: {result.pdf_unchecked}", file=sys.stderr)
        return 1
    # What fails comes first, then what was checked.
    if not result.signed_by:
        print(f"{bundle}: {UNSIGNED} (accepted with --allow-unsigned)", file=sys.stderr)
    if not result.whole:
        print(f"{bundle}: {result.pdf_unchecked}", file=sys.stderr)
    if result.signed_by:
        print(f"{bundle}: signed with the home's key {result.signed_by} (the public key in {key_file}); {matching}")
        print(f"{bundle}: {result.identity(bundle)}")
    else:  # which copy it says it is, as an inspector's reviewer asked (a draft renamed as final passed unnamed)
        print(f"{bundle}: {matching}, which anyone who changed a file could have rewritten")
        print(f"{bundle}: by its manifest, which is not signed: {result.identity(bundle)}")
    if result.pdfs_beside:
        names = ", ".join(repr(name) if has_controls(name) else name for name in result.pdfs_beside)
        print(f"{bundle}: beside the zip, NOT part of this copy and not checked: {names} - the copy's PDF is "
              f"{result.pdf_checked}" if result.pdf_checked else
              f"{bundle}: beside the zip, not checked: {names} - to check one as the copy's PDF, name it with --pdf FILE")
    return 0 if result.whole else 1


def command_keygen(args) -> int:
    from handbook.export.signing import create_key_pair
    root = _repository_root(Path(args.root).resolve())
    made = create_key_pair(root, Path(args.private_key), args.comment)
    print(f"Made the home's signing key {made}: the private key in {args.private_key} (keep it outside the "
          f"repository; exports read it from HANDBOOK_SIGNING_KEY), the public key in {PUBLIC_KEY_FILE} "
          "(commit it, and give it to inspectors)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handbook", description="Check and publish the Cura Care Homes handbook.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run every check without building the site (exit 1 on any error)")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--base", metavar="REF",
                       help="also check each change against this git ref, such as origin/main (pull requests)")
    check.add_argument("--root", default=".", help="the handbook repository (default: the current folder)")
    check.add_argument("--home", metavar="ID", help="a provider's handbook: check this home only (default: every home)")
    check.set_defaults(run=command_check)
    review = commands.add_parser("review", help="the reviewer's summary of a change against a git ref, as Markdown "
                                               "(what stops the merge first; exit 1 if anything does)")
    review.add_argument("--base", metavar="REF", required=True,
                        help="the branch the change goes into, such as origin/main")
    review.add_argument("--root", default=".", help="the handbook repository (default: the current folder)")
    review.set_defaults(run=command_review)
    style = commands.add_parser("lint", help="check the house style of the documents, as Vale would "
                                             "(path:line:col rule message; exit 1 on any error)")
    style.add_argument("paths", nargs="*", help="files or folders (default: every governed document)")
    style.add_argument("--root", default=".", help="the handbook repository (default: the current folder)")
    style.set_defaults(run=command_lint)
    exporter = commands.add_parser("export", help="make the inspectors' offline copy (zip and PDF) in dist/")
    exporter.add_argument("--dist", default="dist", help="where to put the files (default: dist)")
    exporter.add_argument("--root", default=".", help="the handbook repository (default: the current folder)")
    exporter.add_argument("--draft", action="store_true",
                          help="while applying for registration: include drafts and facts still to confirm, "
                               "and mark every page and the PDF cover as a draft copy")
    exporter.add_argument("--as-of", metavar="YYYY-MM-DD",
                          help="export the handbook as it stood on that day (the last commit on or before it)")
    exporter.add_argument("--document", metavar="ID",
                          help="make a PDF of that document alone (for example statement-of-purpose, the copy to "
                               "send to Ofsted), with its version, approval and date on the cover")
    exporter.add_argument("--home", metavar="ID", help="a provider's handbook: the home whose copy to make (homes/ID)")
    exporter.set_defaults(run=command_export)
    publisher = commands.add_parser("publish", help="build the staff intranet and the public website into publish/, "
                                                    "with a ready nginx configuration")
    publisher.add_argument("--out", help="where to put them (default: publish/ in the handbook repository)")
    publisher.add_argument("--htpasswd", default="/etc/nginx/cura-handbook.htpasswd", metavar="FILE",
                           help="the staff's password file, outside the repository "
                                "(default: /etc/nginx/cura-handbook.htpasswd)")
    publisher.add_argument("--server-name", default="localhost", metavar="NAME",
                           help="the intranet's host name (default: localhost)")
    publisher.add_argument("--listen", metavar="[ADDRESS:]PORT",
                           help="where nginx listens (default: 80; 443 with --tls-certificate)")
    publisher.add_argument("--public-server-name", metavar="NAME",
                           help="also serve the public website under this host name")
    publisher.add_argument("--tls-certificate", metavar="FILE", help="serve over HTTPS with this certificate")
    publisher.add_argument("--tls-key", metavar="FILE", help="and this private key")
    publisher.add_argument("--root", default=".", help="the handbook repository (default: the current folder)")
    publisher.set_defaults(run=command_publish)
    verifier = commands.add_parser("verify", help="check an exported zip: its structure, the home's signature and "
                                                  "every file against its manifest")
    verifier.add_argument("bundle", help="the exported .zip file")
    verifier.add_argument("--public-key", metavar="FILE",
                          help=f"the home's public key (default: {PUBLIC_KEY_FILE} in the handbook repository here)")
    verifier.add_argument("--pdf", metavar="FILE",
                          help="the PDF made with the copy (default: the one the manifest names, if it lies beside "
                               "the zip)")
    verifier.add_argument("--allow-unsigned", action="store_true",
                          help="accept a copy that is not signed (it proves only that nothing changed by accident)")
    verifier.set_defaults(run=command_verify)
    keygen = commands.add_parser("keygen", help="make the home's signing key pair: the private key to a file "
                                                f"outside the repository, the public key to {PUBLIC_KEY_FILE}")
    keygen.add_argument("--private-key", required=True, metavar="FILE",
                        help="where to write the private key (outside the repository; never overwritten)")
    keygen.add_argument("--comment", default="inspector copies", help="a label stored with the public key")
    keygen.add_argument("--root", default=".", help="the handbook repository (default: the current folder)")
    keygen.set_defaults(run=command_keygen)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except HandbookError as problem:
        print(f"ERROR: {one_line(str(problem))}", file=sys.stderr)
        if isinstance(problem, BuildFailed):  # the build's own lines, one by one
            for line in problem.lines:
                print(f"  {one_line(line)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""The `handbook` command: the same checks as the site build, from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .clock import today
from .errors import HandbookError
from .handbook import load_and_check


def _repository_root(start: Path) -> Path:
    for folder in [start, *start.parents]:
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise HandbookError(f"{start}: no mkdocs.yml here or above - run the command inside the handbook repository")


def command_check(args) -> int:
    handbook = load_and_check(_repository_root(Path(args.root).resolve()), today())
    if args.format == "json":
        print(json.dumps({
            "today": handbook.today.isoformat(),
            "errors": len(handbook.errors),
            "warnings": len(handbook.warnings),
            "findings": [f.to_dict() for f in handbook.findings],
        }, indent=2))
    else:
        for finding in handbook.findings:
            print(f"{finding.severity.value.upper()}: {finding}")
        documents = len(handbook.documents)
        print(f"Checked {documents} documents on {handbook.today.isoformat()}: "
              f"{len(handbook.errors)} errors, {len(handbook.warnings)} warnings.")
    return 1 if handbook.errors else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handbook", description="Check and publish the Cura Care Homes handbook.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run every check without building the site (exit 1 on any error)")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--root", default=".", help="the handbook repository (default: the current folder)")
    check.set_defaults(run=command_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except HandbookError as problem:
        print(f"ERROR: {problem}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

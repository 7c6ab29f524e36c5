"""Letters of other alphabets that look like Latin ones: one list, read by the check on what a
document may hold (handbook/checks/content_policy.py: a word mixing them with Latin letters, or
written in an alphabet these documents never use) and by the public build's reading of the facts
the home keeps off its website (handbook/views/editions.py)."""

from __future__ import annotations

import unicodedata

# Cyrillic and Greek letters that look like a Latin letter, as casefold() leaves them, and the
# Latin letter each is read as ("ТВ1 1АА" typed in Cyrillic reads as the postcode TB1 1AA).
LOOK_ALIKES = dict(zip("авекмнорстухіјѕԁԛԝαβεζηικμνορτυχ", "abekmhopctyxijsdqwabezhikmnoptyx"))
# ... of which a word may still mix this one with Latin letters: the micro sign of a dose (5μg).
IN_DOSES = frozenset("μ")
# Alphabets these documents never use, whose letters look Latin ("ᏴᏚ1 4ᎠᎫ" reads as a postcode),
# by the start of their letters' Unicode names, with the name a finding gives them.
SMALL_CAPITAL = "LATIN LETTER SMALL CAPITAL"  # the public build reads one as its letter ("ᴛʙ1" as "tb1")
NEVER_USED = {"CHEROKEE": "Cherokee", "LISU": "Lisu", SMALL_CAPITAL: "small capital"}
# Characters that reverse the order text is shown in ("15 30 60" reads "60 30 15"): refused in a
# document, and in the name of a file of an inspector copy (printed, they would reorder verify's line).
DIRECTION_MARKS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Characters that end a line or drive a terminal (the C0 controls but the tab, DEL, the C1 controls,
# the line and paragraph separators) and the direction marks: printed, "\r" or an escape sequence
# can rewrite the line around them and a direction mark reorder it. Escaped in every message the
# handbook prints (handbook/model/findings.py); with the tab, refused in a name or a title that is
# printed as written (handbook/sources/files.py).
CONTROLS = f"\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029{DIRECTION_MARKS}"


def never_used_alphabet(text: str) -> str | None:
    """The name of an alphabet these documents never use whose letter `text` holds, or None."""
    for letter in sorted(set(text)) if not text.isascii() else ():
        name = unicodedata.name(letter, "")
        if never := next((label for start, label in NEVER_USED.items() if name.startswith(start)), None):
            return never
    return None


def invisible_characters(text: str) -> list[str]:
    """The invisible characters in `text` (Unicode's format characters: a zero-width space, a
    joiner, a direction mark), each as U+XXXX: "SC00000\u200b2" reads as SC000002 but is another
    text, so a check comparing it with another home's reference would miss it."""
    return sorted({f"U+{ord(c):04X}" for c in text if not c.isascii() and unicodedata.category(c) == "Cf"})


def read_alike(text: str) -> str:
    """`text` as a reader reads it, to compare two facts: compatibility forms folded (full-width
    "０" as 0, a no-break space as a space), invisible characters dropped, look-alike letters read
    as Latin, case and runs of spaces ignored."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    read = "".join(LOOK_ALIKES.get(c, c) for c in folded if unicodedata.category(c) != "Cf")
    return " ".join(read.split())



def one_letter_away(word: str) -> set[str]:
    """`word` and every spelling one letter away from it (one letter left out, added, changed or two swapped)."""
    letters = "abcdefghijklmnopqrstuvwxyz_"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters} | {a + c + b for a, b in splits for c in letters})

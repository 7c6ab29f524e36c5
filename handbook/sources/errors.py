"""Errors that stop the handbook from loading at all (not findings about its content)."""


class HandbookError(Exception):
    """A problem a person must fix before anything can be checked; the text says what to do."""


class BuildFailed(HandbookError):
    """A site build that a command ran failed: what it stopped, and the build's own lines that
    say why (each shown on a line of its own)."""

    def __init__(self, summary: str, lines: list[str]):
        self.lines = lines
        super().__init__(summary)

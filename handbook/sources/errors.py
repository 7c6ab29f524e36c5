"""Errors that stop the handbook from loading at all (not findings about its content)."""


class HandbookError(Exception):
    """A problem a person must fix before anything can be checked; the text says what to do."""

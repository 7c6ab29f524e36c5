"""JSON Schema, used two ways: fastjsonschema (the schema compiled to Python) answers "valid?"
quickly, on every load; jsonschema explains what is wrong, for data that is not valid. jsonschema
takes about 0.1 s to import (a third of `handbook check` on the real handbook), so it is imported
only when something needs explaining (pyproject.toml allows this module to import in a function)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache

import fastjsonschema

Formats = tuple[tuple[str, Callable[[str], bool]], ...]


@lru_cache(maxsize=32)  # the same schemas on every load (and in every home of a provider): compiled once
def _compiled(schema: str, formats: Formats) -> Callable:
    return fastjsonschema.compile(json.loads(schema), formats=dict(formats))


def validity(schema: dict, formats: Formats = ()) -> Callable[[object], bool]:
    """Whether data is valid against `schema` (JSON Schema; `formats` checks string formats by name)."""
    validate = _compiled(json.dumps(schema, sort_keys=True), formats)

    def valid(data: object) -> bool:
        try:
            validate(data)
        except Exception:  # not valid, or too odd for the fast validator: the explainer has the last word
            return False
        return True

    return valid


def explainer(schema: dict, formats: Formats = ()):
    """A jsonschema validator (Draft 2020-12) for `schema`, whose iter_errors(data) says what is wrong."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    for name, check in formats:
        checker.checks(name)(check)
    return jsonschema.Draft202012Validator(schema, format_checker=checker)

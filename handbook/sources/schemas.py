"""JSON Schema, used two ways: fastjsonschema (the schema compiled to Python) answers "valid?"
quickly, on every load; jsonschema explains what is wrong, for data that is not valid. jsonschema
takes about 0.1 s to import (a third of `handbook check` on the real handbook), so it is imported
only when something needs explaining (pyproject.toml allows this module to import in a function)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache

import fastjsonschema

Formats = tuple[tuple[str, Callable[[str], bool]], ...]

# fastjsonschema reads every unescaped `$` in a pattern as `\Z`, the very end of the text (Python's
# `$` also matches before a last line break): the explainer reads patterns the same way, so the
# two never disagree about a value such as "1.0\n".
_DOLLAR = re.compile(r"(?<!\\)\$")


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
    validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})
    return validator(schema, format_checker=checker)


def _pattern(validator, pattern: str, instance, schema):
    """JSON Schema's `pattern`, with `$` read as fastjsonschema reads it."""
    import jsonschema

    if validator.is_type(instance, "string") and not re.search(_DOLLAR.sub(r"\\Z", pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

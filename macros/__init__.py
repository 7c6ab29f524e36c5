"""The handbook's Python. This file is the mkdocs-macros entry point (module_name: macros):
it loads and checks the handbook once per build and gives pages the home's facts and the
handbook's views. MkDocs events are in mkdocs_hooks.py; everything else is plain Python."""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from .clock import today
from .editions import draft_copy, inspector_edition
from .errors import HandbookError
from .handbook import load_and_check
from .templating import template_variables


def define_env(env):
    try:
        handbook = load_and_check(Path(env.project_dir), today())
    except HandbookError as problem:
        raise PluginError(str(problem)) from None
    if inspector_edition():
        handbook = handbook.for_inspectors(drafts=draft_copy())
    env.handbook = handbook  # read by mkdocs_hooks.py
    for name, value in template_variables(handbook).items():
        if callable(value):
            env.macro(value, name)
        else:
            env.variables[name] = value

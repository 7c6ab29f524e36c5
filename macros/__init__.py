"""The mkdocs-macros module (`module_name: macros` in mkdocs.yml): it hands the handbook's facts
and page functions to mkdocs-macros, and nothing more. It imports no MkDocs code, so other
engines' macros extensions (Zensical's) can load it too. The work is done by the `handbook`
package; the MkDocs events are in handbook/mkdocs_hooks.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handbook.checks.kept import load_and_check_kept
from handbook.checks.provider import check_home
from handbook.loading.rendering import template_variables
from handbook.sources.clock import today
from handbook.sources.edition import draft_copy, home_id, inspector_edition, public_edition
from handbook.sources.errors import HandbookError
from handbook.views.site_pages import page_functions


def define_env(env: Any) -> None:
    """Load and check the handbook once per build; give pages its facts and page functions."""
    env.handbook_problem = None
    try:
        home = home_id()  # a provider's handbook: the home whose edition is built
        root = Path(env.project_dir)
        handbook = check_home(root, today(), home) if home else load_and_check_kept(root, today())
    except HandbookError as problem:
        env.handbook_problem = problem  # handbook/mkdocs_hooks.py stops the build with it, in one line
        return
    if inspector_edition():
        handbook = handbook.for_inspectors(drafts=draft_copy())
    elif public_edition():
        env.handbook_as_loaded = handbook  # its real facts: the website is checked against the staff edition
        handbook = handbook.for_website()
    env.handbook = handbook  # read by handbook/mkdocs_hooks.py
    for name, value in template_variables(handbook, page_functions(handbook)).items():
        if callable(value):
            env.macro(value, name)
        else:
            env.variables[name] = value

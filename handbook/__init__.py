"""The Cura Care Homes handbook: governed documents, the law they answer to, the checks, and
the views and exports made from them.

Layers, top to bottom; a module imports only from the layers below its own (the contract is
in pyproject.toml and `make test` runs it):

    cli, mkdocs_hooks   the `handbook` command and the MkDocs events (the only MkDocs code)
    export              the inspector copy: zip bundle, PDF, verify
    views               pages, document control, history, feeds, editions (data in, templates out)
    checks, style       every check, one module per family; the house style engine
    loading             reading, validating and rendering the handbook once
    model               documents, the regulation registry, the home's facts, findings
    sources             files, YAML, git, the clock, headings, the edition being built
"""

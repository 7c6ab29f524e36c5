"""Section maps: the Statement of Purpose answers every Schedule 1 matter, and the children's
guide every item of its legal definition, each in a heading that exists."""

from __future__ import annotations

import difflib

from handbook.checks.common import valid_documents
from handbook.model.findings import Finding, error
from handbook.model.handbook import Handbook
from handbook.model.registry import SECTION_MAPS, legal_items, section_map
from handbook.sources.headings import heading_anchors


def check_section_maps(handbook: Handbook) -> list[Finding]:
    """The Statement of Purpose answers every Schedule 1 matter, and the children's guide
    every item of its legal definition, each in a section that exists."""
    findings = []
    for document in valid_documents(handbook):
        for field, (kind, item_name, whose) in SECTION_MAPS.items():
            mapping = section_map(document.meta, field)
            line = document.line_of(field)
            if document.kind != kind:
                if mapping:
                    findings.append(error("section-map", document.path, f"{field} belongs only in {whose}",
                                          f"remove {field} from this {document.kind}", field=field, line=line))
                continue
            anchors = heading_anchors(document.rendered if document.rendered is not None else document.body)
            items = legal_items(handbook.registry, field)
            known = {key for key, _ in items}
            for key, text in items:
                if key not in mapping:
                    findings.append(error(
                        "section-map", document.path, f"{item_name} {key} ({text}) has no section in {whose}",
                        f"write a section that answers it and add {key}: \"#its-heading-anchor\" under {field}",
                        field=f"{field}.{key}", line=line))
                elif mapping[key].lstrip("#") not in anchors:
                    close = difflib.get_close_matches(mapping[key].lstrip("#"), list(anchors), n=1)
                    hint = f"; did you mean #{close[0]}?" if close else ""
                    findings.append(error(
                        "section-map", document.path,
                        f"{field}: {item_name} {key} points to {mapping[key]}, which is not a heading in {whose}",
                        f"use the anchor of the heading that answers it{hint}", field=f"{field}.{key}", line=line))
            for key in sorted(set(mapping) - known):
                findings.append(error(
                    "section-map", document.path, f"{field}: there is no {item_name} '{key}'",
                    f"use only: {', '.join(k for k, _ in items)}", field=f"{field}.{key}", line=line))
    return findings


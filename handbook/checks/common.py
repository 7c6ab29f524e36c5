"""What every check family shares."""

from __future__ import annotations

from collections.abc import Iterator

from handbook.model.documents import Document
from handbook.model.handbook import Handbook


def valid_documents(handbook: Handbook) -> Iterator[Document]:
    """The documents whose front matter passed the schema: the only ones a check reads."""
    return (d for d in handbook.documents if d.valid)

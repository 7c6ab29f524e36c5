"""The inspector copy's zip as the export writes it and `handbook verify` accepts it: the names
of the manifest and its signature, and the details every entry is given. One home for both, so
what verify accepts is what the export makes."""

from __future__ import annotations

import zipfile

MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"   # beside the manifest in a signed copy: the home's signature of its bytes
ABOUT_PAGE = "inspector-copy.html"  # every copy's "About this copy" page, as built from views/editions.py COPY_PAGE
# Every entry in the zip gets this timestamp, so the same inputs give the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644                 # a plain file its reader may read and its owner write


def zip_entry(name: str) -> zipfile.ZipInfo:
    """The details the export gives every file of the zip (`handbook verify` refuses any other)."""
    entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    entry.external_attr = FILE_MODE << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry

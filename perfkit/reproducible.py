"""Make written Office files (.xlsx, .docx) byte-identical when their content is.

openpyxl and python-docx stamp the current time into ``docProps/core.xml`` and
into every zip entry, so re-rendering unchanged data would give different
files; reviewers diff reports between runs, so those stamps are fixed here.
"""
from __future__ import annotations

import os
import re
import uuid
import zipfile
from pathlib import Path

#: The timestamp written instead of "now" (zip's epoch; Office shows it as a date only).
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_ISO_TIME = "1980-01-01T00:00:00Z"
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def normalize_office_file(path: str | os.PathLike) -> Path:
    """Return ``path`` after rewriting it with fixed timestamps, entries in their original order."""
    path = Path(path)
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    # A plain new file gets 0666 less the umask (0644), like the notebooks, HTML and summary.json beside
    # it; a mkstemp file is 0600, and os.replace would keep that mode for the .xlsx/.docx.
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "xb") as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as dst:
            for info, data in entries:
                if info.filename == "docProps/core.xml":
                    data = _CORE_TIMES.sub(rb"\g<1>" + FIXED_ISO_TIME.encode() + rb"\g<2>", data)
                fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
                fixed.compress_type = zipfile.ZIP_DEFLATED
                fixed.external_attr = 0o600 << 16
                dst.writestr(fixed, data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def save_office_file(document, path: str | os.PathLike) -> Path:
    """Return ``path`` after saving a python-docx Document or openpyxl Workbook there, reproducibly.

    Parent directories are created; the zip is then normalised
    (:func:`normalize_office_file`) so unchanged content gives the same bytes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return normalize_office_file(path)

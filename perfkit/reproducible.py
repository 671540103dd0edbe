"""Make written Office files (.xlsx, .docx) byte-identical when their content is.

openpyxl and python-docx stamp the current time into ``docProps/core.xml`` and
into every zip entry, so re-rendering unchanged data would give different
files; reviewers diff reports between runs, so those stamps are fixed here.
"""
from __future__ import annotations

import io
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
    with open(path, "rb") as fh:
        data = _normalized(fh)
    return _write_replacing(data, path)


def _normalized(source) -> bytes:
    """Return the zip read from the file object ``source`` with fixed timestamps, entries in their order."""
    with zipfile.ZipFile(source) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>" + FIXED_ISO_TIME.encode() + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    return buf.getvalue()


def _write_replacing(data: bytes, path: Path) -> Path:
    """Return ``path`` after writing ``data`` beside it and renaming: a failed write leaves an earlier file as it was."""
    # A plain new file gets 0666 less the umask (0644), like the notebooks, HTML and summary.json beside
    # it; a mkstemp file is 0600, and os.replace would keep that mode for the .xlsx/.docx.
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(path)) from None  # the file the user asked for
        raise
    return path


def save_office_file(document, path: str | os.PathLike) -> Path:
    """Return ``path`` after saving a python-docx Document or openpyxl Workbook there, reproducibly.

    Parent directories are created; the zip is then normalised
    (:func:`normalize_office_file`) so unchanged content gives the same bytes.
    It is built in memory and written in one go: a full disk fails that one
    write (an earlier file stays), never a library's half-closed zip.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    document.save(buf)
    buf.seek(0)
    return _write_replacing(_normalized(buf), path)

"""Reading one data file: bytes → text → CSV records → a DataFrame of stripped strings.

Everything that can make a file unreadable as a whole is found here and
reported once (file, row, what was found, what was expected): an encoding
that is neither UTF-8 nor GBK, a workbook or binary file saved under a .csv
name, a header that is not this file's, a row with a comma too many.  Cell
values are checked afterwards, by :mod:`perfkit.ingest.department`.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from perfkit.errors import DataError, Problem

#: Largest data file read.  A department's tables are kilobytes (the largest
#: shipped one, four years of indicators, is 60 KB); a file of this size is a
#: wrong file, and checking it cell by cell would take minutes and print
#: thousands of problems.
MAX_FILE_BYTES = 32 * 2**20
#: Rows named one by one in a grouped problem (field counts, normalised cells).
ROWS_LISTED = 10
# Control characters never found in a text table (tab, CR and LF are allowed).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SAVE_AS_UTF8 = "请在 Excel 中另存为「CSV UTF-8」"


def row_list(rows: list[int]) -> str:
    """Return rows as 「2、3、5」, the first ROWS_LISTED of them and a count of the rest."""
    shown = "、".join(str(r) for r in rows[:ROWS_LISTED])
    return shown + (f" 等 {len(rows)} 行" if len(rows) > ROWS_LISTED else "")


def _not_text(raw: bytes) -> str | None:
    """Return why ``raw`` is not a text file (a workbook, UTF-16, binary), or None."""
    if raw.startswith(b"PK\x03\x04"):
        return f"这是 Excel 工作簿或压缩文件，不是 CSV 文本；{_SAVE_AS_UTF8}，或用 perfkit import 导入工作簿"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return f"文件为 UTF-16 编码（Excel 的「Unicode 文本」）；{_SAVE_AS_UTF8}"
    nul = raw.find(b"\x00")
    if nul >= 0:
        return f"不是文本文件（含二进制内容，第 {nul + 1} 个字节起）；{_SAVE_AS_UTF8}"
    return None


def read_text(path: Path) -> tuple[str, str | None]:
    """Return a file's text and a notice when it was not UTF-8.

    Chinese Excel saves CSV as GBK/GB18030; such files are decoded as GB18030
    (a superset of GBK) rather than refused, with a notice suggesting UTF-8.
    A file that cannot be read, is too large, or is not text at all (a
    workbook, UTF-16, binary junk) raises one :class:`DataError` saying so.
    """
    def refuse(expected: str, row: int | None = None) -> DataError:
        return DataError(Problem(str(path), row, None, None, expected))

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise refuse(f"文件过大（{size / 2**20:.1f} MB，上限 {MAX_FILE_BYTES // 2**20} MB），不像是部门数据表；"
                         "请确认文件是否放错")
        raw = path.read_bytes()
    except OSError as exc:
        raise refuse(f"无法读取文件：{exc.strerror or exc}；请确认文件存在且有读取权限") from None
    why = _not_text(raw)
    if why:
        raise refuse(why)
    notice = None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise refuse(f"无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030，第 {exc.start} 字节起）；"
                         f"{_SAVE_AS_UTF8}") from None
        notice = f"{path}：文件为 GBK/GB18030 编码，已按 GB18030 读取；建议另存为「CSV UTF-8」"
    bad = _CONTROL_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise refuse(f"含控制字符 U+{ord(bad.group()):04X}，不是正常的文本表格（文件损坏或不是 CSV）；{_SAVE_AS_UTF8}",
                     line)
    return text, notice


def _csv_records(text: str, fname: str, problems: list[Problem]) -> list[tuple[int, list[str]]] | None:
    """Return ``(spreadsheet row, fields)`` of every non-blank record, header first; None when unparseable.

    Rows are counted as Excel counts them (one per record, blank ones
    included), so a message's row is the one the analyst sees.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    try:
        for row, fields in enumerate(reader, start=1):
            if any(f.strip() for f in fields):
                records.append((row, fields))
    except csv.Error as exc:
        problems.append(Problem(fname, reader.line_num, None, None,
                                f"无法按 CSV 解析（{exc}）；请检查引号是否成对，或{_SAVE_AS_UTF8}"))
        return None
    return records


def _check_header(header: list[str], records: list[tuple[int, list[str]]], schema: dict[str, tuple[str, bool]],
                  fname: str, problems: list[Problem], notices: list[str],
                  optional: tuple[str, ...] = ()) -> list[str] | None:
    """Return the usable header (unnamed empty columns dropped), or None after recording why it is not."""
    columns = [c.strip() for c in header]
    expected = "、".join(schema)
    if not set(columns) & set(schema):
        problems.append(Problem(fname, 1, None, "，".join(columns[:5])[:80],
                                f"第 1 行不是本文件的表头（应包含列：{expected}）；文件放错或内容损坏？"))
        return None
    ok = True
    dups = sorted({c for c in columns if c and columns.count(c) > 1})
    if dups:
        problems.append(Problem(fname, 1, "、".join(dups), None, "表头中有重复的列名；每列只能出现一次"))
        ok = False
    for i, col in enumerate(columns):
        if col:
            continue
        filled = [row for row, fields in records if i < len(fields) and fields[i].strip()]
        if filled:
            problems.append(Problem(fname, 1, None, None,
                                    f"表头第 {i + 1} 列没有列名，但第 {row_list(filled)} 行在该列有值；请补上列名或删去该列"))
            ok = False
    missing = [c for c in schema if c not in columns and c not in optional]
    if missing:
        problems.append(Problem(fname, 1, "、".join(missing), None,
                                f"缺少必需的列「{'」「'.join(missing)}」（表头应包含：{expected}）"))
        ok = False
    extra = [c for c in columns if c and c not in schema]
    if extra:
        notices.append(f"{fname}：列「{'」「'.join(extra)}」不是本文件定义的列，perfkit 不使用（列名拼写有误？"
                       f"本文件的列：{expected}）")
    return columns if ok else None


def _check_field_counts(records: list[tuple[int, list[str]]], width: int, fname: str,
                        problems: list[Problem]) -> bool:
    """Return True when every data row has the header's number of fields; else record one problem per count."""
    wrong: dict[int, list[int]] = {}
    for row, fields in records:
        # no tolerance for an empty last field: "a,x,b," may be a comma too many in the middle with
        # the last column empty, whose values are then all shifted (Excel writes every row full width)
        if len(fields) != width:
            wrong.setdefault(len(fields), []).append(row)
    for n, rows in sorted(wrong.items(), key=lambda kv: kv[1][0]):
        why = ("某个值里有未加引号的逗号（含逗号的值要用英文双引号括起来）" if n > width
               else "缺少字段（逗号少了，或引号未闭合把几行并成了一行）")
        # one row: the problem's row says where; several with the same count: one problem naming them all
        where = "" if len(rows) == 1 else f"第 {row_list(rows)} 行都"
        problems.append(Problem(fname, rows[0] if len(rows) == 1 else None, None, None,
                                f"{where}有 {n} 个字段，而表头有 {width} 列：{why}"))
    return not wrong


def read_table(path: Path, schema: dict[str, tuple[str, bool]], problems: list[Problem],
                notices: list[str], optional: tuple[str, ...] = (),
                header_only_ok: bool = False) -> pd.DataFrame | None:
    """Read one CSV as stripped strings and check its shape; None when it cannot be used at all.

    Columns in ``optional`` may be left out of the header (forms that do not
    print them): they are read as empty.  With ``header_only_ok`` a file with
    a header and no rows is a table with no rows (a narrative report has no
    indicator table), not a problem.

    A file with a wrong header or a row of the wrong length is reported once
    (file, row, fields found and expected) and not read further: its cells
    would be shifted, and checking them would only add misleading problems.
    """
    fname = str(path)
    try:
        text, notice = read_text(path)
    except DataError as err:
        problems.extend(err.problems)
        return None
    if notice:
        notices.append(notice)
    if not text.strip():
        problems.append(Problem(fname, None, None, None, "文件为空：应有表头行和数据行"))
        return None
    records = _csv_records(text, fname, problems)
    if records is None:
        return None
    (_, header), body = records[0], records[1:]
    columns = _check_header(header, body, schema, fname, problems, notices, optional)
    if columns is None or not _check_field_counts(body, len(header), fname, problems):
        return None
    if not body and not header_only_ok:
        problems.append(Problem(fname, None, None, None, "只有表头，没有数据行"))
    keep = [i for i, c in enumerate(columns) if c]
    data = {columns[i]: [fields[i].strip() if i < len(fields) else "" for _, fields in body] for i in keep}
    df = pd.DataFrame(data, columns=[columns[i] for i in keep], dtype=str)
    for col in optional:
        if col not in df.columns:
            df[col] = pd.Series([""] * len(df), dtype=str)
    df.insert(0, "src_row", np.array([row for row, _ in body], dtype="int64"))
    return df

"""Reading the budget block of a self-evaluation table: 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分."""
from __future__ import annotations

import re

from perfkit.extract.cells import compact, garble, is_dash, is_sentence, read_number
from perfkit.extract.model import BudgetRow, Review, Stream, TableRead, Token
from perfkit.extract.rows import cell_value, placed_row, row_confidence, row_tokens
from perfkit.extract.vocab import budget_row, is_section_word
from perfkit.text import extract as extract_text
from perfkit.text.vocabulary import TOTAL_LINE


def _is_budget_stop(tok: Token) -> bool:
    return budget_row(tok.text) is not None or not (
        read_number(tok.text) is not None or is_dash(tok.text) or "%" in tok.text or tok.glued and re.search(r"\d", tok.text)
        or is_sentence(tok.text) and re.match(r"^\d[.、]", compact(tok.text)))


def read_budget(tokens: list[Token], i: int, roles: list[str], stream: Stream, table: TableRead,
                label_before: Token | None = None) -> int:
    """Read budget rows from ``i`` into ``table``; return the index after the block.

    ``label_before``: a row label printed before the header (OCR of a form whose
    年度资金总额 cell spans the header row), for values that follow the header unlabelled.
    """
    while i < len(tokens):
        tok = tokens[i]
        if tok.empty:
            i += 1
            continue
        found = budget_row(tok.text)
        if found is None and is_section_word(tok.text):
            i += 1  # a merged section label repeated down the block (项目资金（万元）)
            continue
        if found is None and label_before is not None and not _is_budget_stop(tok):
            i = _read_budget_row(tokens, i - 1, label_before, budget_row(label_before.text), roles, stream, table)
            label_before = None
            continue
        if found is None:
            return i
        i = _read_budget_row(tokens, i, tok, found, roles, stream, table)
        label_before = None
    return i


def _read_budget_row(tokens: list[Token], i: int, tok: Token, found: tuple[str, str], roles: list[str],
                     stream: Stream, table: TableRead) -> int:
    """Read the budget row labelled ``tok`` whose cells follow index ``i``; return the index after it."""
    values = row_tokens(tokens, i + 1, stream, len(roles), _is_budget_stop)
    placed, used = placed_row(values, roles, stream, budget=True)
    if found[1] != TOTAL_LINE and placed.inferred and {"weight", "score"} & set(placed.cells):
        # a part row prints 分值/得分 only in forms that fill every cell (read by position);
        # placed by kind, its cells are amounts
        amount_roles = [r for r in roles if r in ("budget_original", "budget", "executed", "rate")]
        again, _ = placed_row([t for t in values[:used] if not is_dash(t.text)], amount_roles, stream, True)
        if again.cells:
            placed = again
    row = BudgetRow(found[0], found[1], tok)
    context = " | ".join([tok.text] + [t.text for t in values[:used]])
    conf = row_confidence(stream, placed)
    for role, (text, src) in placed.cells.items():
        if role == "note" or is_dash(text) or not compact(text):
            continue
        bad = garble(text)
        if bad:
            table.reviews.append(Review(extract_text.LINE_FIELD.format(line=found[0], role=role), text, src.where, bad))
            continue
        row.values[role] = cell_value(text, src, conf, context, extract_text.PLACED_BY_CONTENT if placed.inferred else "")
    table.budget.append(row)
    return i + 1 + used

"""The cells of one table row: those that follow its label, placed under the header's column roles."""
from __future__ import annotations

from perfkit.extract.align import Placed, place, place_prefix
from perfkit.extract.cells import value_text
from perfkit.extract.model import FLAT, LOW, MEDIUM, ROWS, Stream, Token, Value


def row_confidence(stream: Stream, placed: Placed) -> str:
    if placed.split or stream.base_confidence == LOW:
        return LOW
    return MEDIUM if placed.inferred else stream.base_confidence


def cell_value(text: str, tok: Token, confidence: str, row_text: str, note: str = "") -> Value:
    return Value(value_text(text), tok.where, confidence, row_text, note)


def row_tokens(tokens: list[Token], i: int, stream: Stream, width: int, stop) -> list[Token]:
    """Return the cells after a row label that may belong to its row (its values)."""
    out: list[Token] = []
    row = tokens[i - 1].row if i else None
    limit = width + 3 if stream.mode == FLAT else width
    while i < len(tokens) and len(out) < limit:
        tok = tokens[i]
        if stream.mode == ROWS and tok.row != row:
            break
        if not tok.empty and stop(tok):
            break
        out.append(tok)
        i += 1
    return out


def placed_row(values: list[Token], roles: list[str], stream: Stream, budget: bool) -> tuple[Placed, int]:
    if stream.mode == FLAT:
        return place_prefix([t for t in values if not t.empty], roles, budget)
    placed = place(values, roles, budget, positional=True)
    return (placed or Placed()), len(values)

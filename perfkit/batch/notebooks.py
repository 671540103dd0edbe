"""Pure helpers on executed notebooks: stable bytes, merged streams, code-free HTML.

Same input, same bytes: volatile metadata (papermill timestamps and
durations, nbclient timings, random cell ids, absolute paths) is removed, and
stream chunks that the kernel split differently from run to run are joined.
"""
from __future__ import annotations

import json
from pathlib import Path

# Cells hidden from the HTML: the parameters cell and the one papermill injects.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters"})
# Metadata that changes on every run and would make reports differ byte-wise.
_VOLATILE_KEYS = ("start_time", "end_time", "duration")
# Stable id for the cell papermill injects (nbformat gives it a random one).
_INJECTED_CELL_ID = "injected-parameters"


def merge_streams(outputs: list) -> list:
    """Return cell outputs with each run of consecutive stream outputs merged: stdout, then stderr.

    The kernel sends printed text in chunks on a timer, so one ``print`` can
    arrive as one stream output or as two, and stdout and stderr chunks
    interleave differently from run to run.  Displays and results flush both
    streams first, so they are fixed points; between two of them the text of
    each stream is kept in order and joined.
    """
    merged: list = []
    run: dict[str, object] = {}
    for output in outputs:
        if output.get("output_type") == "stream":
            name = output.get("name", "stdout")
            if name in run:
                run[name]["text"] += output["text"]
            else:
                run[name] = output
            continue
        merged += [run[n] for n in sorted(run, key=lambda n: (n != "stdout", n))]
        run = {}
        merged.append(output)
    merged += [run[n] for n in sorted(run, key=lambda n: (n != "stdout", n))]
    return merged


def normalize_notebook(nb, name: str):
    """Return ``nb`` with run-dependent metadata removed, streams merged and cell ids made stable.

    Drops papermill's start/end times and durations (notebook and cells) and
    nbclient's execution timings, replaces absolute input/output paths by the
    file name, merges stream chunks (:func:`merge_streams`), and gives the
    injected-parameters cell a fixed id.  Modifies ``nb`` in place and returns it.
    """
    meta = nb.metadata.setdefault("papermill", {})
    for key in _VOLATILE_KEYS:
        meta.pop(key, None)
    meta["input_path"] = name
    meta["output_path"] = name
    for index, cell in enumerate(nb.cells):
        cell_meta = cell.metadata
        pm = cell_meta.get("papermill")
        if pm:
            for key in _VOLATILE_KEYS:
                pm.pop(key, None)
        cell_meta.pop("execution", None)
        if cell.get("outputs"):
            cell["outputs"] = merge_streams(cell["outputs"])
        if "injected-parameters" in cell_meta.get("tags", []):
            cell["id"] = _INJECTED_CELL_ID
        elif not cell.get("id"):
            cell["id"] = f"cell-{index}"
    return nb


#: Report styling added to every HTML page: Chinese text reads left to right, so table cells are
#: left-aligned (Jupyter right-aligns them for numbers) unless a cell says otherwise (a report table's
#: numbers are right-aligned in their own style), and a CJK font stack is named first.
REPORT_CSS = """<style>
body, .jp-RenderedHTMLCommon { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
  "PingFang SC", "Noto Sans SC", sans-serif; }
.jp-RenderedHTMLCommon table { font-size: 13px; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { text-align: left; vertical-align: top; max-width: 36em; }
.jp-RenderedHTMLCommon img { max-width: 100%; }
@media print { .jp-Cell { break-inside: avoid; } }
</style>
"""


def make_html_exporter():
    """Return an nbconvert HTMLExporter that shows outputs and prose only.

    No code, no input or output prompts, and no parameters / injected-parameters
    cells.  Building one costs a template load, so a worker builds it once.
    """
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(HIDDEN_TAGS), enabled=True), enabled=True
    )
    return exporter


def source_cell_index(notebook: Path, executed_index: int | None, cache: dict) -> int | None:
    """Return the index in the source notebook of a cell of the executed (parameterized) one."""
    if executed_index is None:
        return None
    if notebook not in cache:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        tagged = [i for i, c in enumerate(nb.get("cells", []))
                  if "parameters" in c.get("metadata", {}).get("tags", [])]
        cache[notebook] = tagged[0] + 1 if tagged else 0
    injected = cache[notebook]
    if executed_index == injected:
        return None  # the injected cell itself failed: no source cell to point at
    return executed_index - 1 if executed_index > injected else executed_index

"""Step 6: report files written from one analysis: summary.json, the scored .xlsx, the draft .docx.

Importing the package registers every output (:mod:`perfkit.outputs.registry`);
the imports below fix the order :func:`write_outputs` writes them in.
"""
from perfkit.outputs import summary, xlsx, docx_report  # noqa: F401  (each registers its output)
from perfkit.outputs.registry import output, registered, write_outputs

__all__ = ["output", "registered", "write_outputs"]

"""Reading published self-evaluation reports and tables into a draft department (``perfkit extract``).

Route: a reader per format (:mod:`.text` for text copied from a PDF or a web
page, :mod:`.xlsx`, :mod:`.docx`, :mod:`.pdf`) turns a file into the same
intermediate form (:mod:`.model`: narrative lines and streams of table
cells); :mod:`.tables` recognises the table families in the streams (placing
cells with :mod:`.align`; the blocks read by :mod:`.budget_block` and
:mod:`.indicator_block`), :mod:`.sentences` the figures the narrative states;
:mod:`.draft` and :mod:`.assemble` put them into the data format with their
provenance, and :mod:`.writer` writes the draft directory and
``extraction.md``.  :mod:`.command` is the CLI entry point.
"""

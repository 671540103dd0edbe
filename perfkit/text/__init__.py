"""The words and numbers shown to users, in one place.

:mod:`perfkit.text.labels` holds the words (column headings, headings, status
words, chart labels), :mod:`perfkit.text.messages` the sentence templates of
comparisons and reports, and :mod:`perfkit.text.formats` the one set of number
formatters.  The templates of each step have a module of their own:
:mod:`~perfkit.text.judging` (how an indicator is read and scored),
:mod:`~perfkit.text.checking` (checks of stated figures, the formula language),
:mod:`~perfkit.text.validation` (problems in a department's data),
:mod:`~perfkit.text.rules` (errors in rule files), :mod:`~perfkit.text.workbook`
(the input workbook), :mod:`~perfkit.text.views` (notebook prose),
:mod:`~perfkit.text.batch` (rendering), :mod:`~perfkit.text.extract`
(``perfkit extract``) and :mod:`~perfkit.text.cli` (what the commands print).
:mod:`perfkit.text.vocabulary` is the other way round: words perfkit recognises
in its input, shared by several modules.  Other recognised words stay beside
the code that matches them, named in that module's ``RECOGNISED_INPUT``.

The package imports nothing of perfkit but :mod:`perfkit.values`, so every
step can use it without an import cycle.
"""

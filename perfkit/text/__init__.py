"""The words and numbers shown to users, in one place.

:mod:`perfkit.text.labels` holds the words (column headings, headings, status
words, chart labels), :mod:`perfkit.text.messages` the sentence templates with
named placeholders, and :mod:`perfkit.text.formats` the one set of number
formatters.  The package imports nothing of perfkit but :mod:`perfkit.values`,
so every step can use it without an import cycle.
"""

"""A whole province at once: check, score and compare every department and year under a data directory.

:func:`analyze_all` returns tidy tables keyed by department and year
(:class:`ProvinceAnalysis`); ``perfkit check`` prints from it and writes its
one-row-per-department-year table with ``--out``.
"""
from perfkit.province.analysis import ProvinceAnalysis, analyze_all
from perfkit.province.load import check_province
from perfkit.province.table import write_table

__all__ = ["ProvinceAnalysis", "analyze_all", "check_province", "write_table"]

"""Step 3: year-over-year changes, multi-year series and the PEFA lens."""
# One concern per module, all pure (the rules and scores they need are handed in): yoy (budget, execution,
# scores against the prior year), indicators (indicator actuals, directions, stated 同比 figures), series
# (several years), pefa (PI-1, PI-2), common (COLUMN_LABELS and shared words).  perfkit.analysis.YearAnalysis
# calls them once per department-year; the public names are re-exported here.
from perfkit.compare.common import (BUDGET_FIELDS, CHANGE_KINDS, CHANGE_UNITS, COLUMN_LABELS, NO_CURRENT, NO_PRIOR,
                                    ZERO_BASE)
from perfkit.compare.indicators import direction_met, read_measure, stated_yoy, yoy_indicators
from perfkit.compare.pefa import (PI2_LINE_TYPES, pefa_pi1, pefa_pi2, pefa_pi2_components, pefa_summary, pi1_grade,
                                  pi2_grade, window_score)
from perfkit.compare.series import SERIES_KINDS, cagr, current_run, falling_scores, multi_year, series, summarize_series
from perfkit.compare.yoy import (change, execution_rates, previous_year, prior_label, yoy_budget, yoy_execution,
                                 yoy_scores)

__all__ = ["BUDGET_FIELDS", "CHANGE_KINDS", "CHANGE_UNITS", "COLUMN_LABELS", "NO_CURRENT", "NO_PRIOR", "ZERO_BASE",
           "direction_met", "read_measure", "stated_yoy", "yoy_indicators",
           "PI2_LINE_TYPES", "pefa_pi1", "pefa_pi2", "pefa_pi2_components", "pefa_summary", "pi1_grade", "pi2_grade",
           "window_score",
           "SERIES_KINDS", "cagr", "current_run", "falling_scores", "multi_year", "series", "summarize_series",
           "change", "execution_rates", "previous_year", "prior_label", "yoy_budget", "yoy_execution", "yoy_scores"]

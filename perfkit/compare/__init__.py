"""Step 3: year-over-year changes, multi-year series and the PEFA lens."""

"""Step 4: problems and recommendations derived from scores, checks and comparisons."""

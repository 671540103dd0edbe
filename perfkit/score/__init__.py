"""Step 2: read targets, score indicators and budget execution by a rule set, check stated figures."""

"""Step 5: presentation for notebooks: tables (views), charts and the CJK font."""

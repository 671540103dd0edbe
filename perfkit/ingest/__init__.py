"""Step 1 of a department-year's route: read a department's files and validate them."""

"""Rule sets as files (YAML beside this module) and their model; the only place rule files are read."""

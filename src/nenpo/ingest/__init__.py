"""Reading input: the workspace loader, YAML and CSV with file:line errors, mapped imports."""

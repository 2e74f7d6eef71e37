"""Pre-computed summaries per day, group, path and season."""

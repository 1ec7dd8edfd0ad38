"""Portfolio analytics (staff only): ratings, variances, staffing, rules and the optimiser."""

"""Safe, mechanical rewrites of input files (`cilint check --fix`)."""

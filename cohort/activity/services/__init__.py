"""Every write of the activity app: logging, review, imports, the nightly recompute."""

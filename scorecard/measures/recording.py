"""Recording measures (to be written)."""

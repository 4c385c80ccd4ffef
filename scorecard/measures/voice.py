"""Voice measures (to be written)."""

"""Health measures (to be written)."""

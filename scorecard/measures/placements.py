"""Placements measures (to be written)."""

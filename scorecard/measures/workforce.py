"""Workforce measures (to be written)."""

"""Assessments measures (to be written)."""

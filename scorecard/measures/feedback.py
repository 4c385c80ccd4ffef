"""Feedback measures (to be written)."""

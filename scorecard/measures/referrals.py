"""Referrals measures (to be written)."""

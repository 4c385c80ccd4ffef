"""Child protection measures (to be written)."""

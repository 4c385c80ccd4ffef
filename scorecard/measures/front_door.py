"""Front door measures (to be written)."""

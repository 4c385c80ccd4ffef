"""Children in need measures (to be written)."""

"""Children in care measures (to be written)."""

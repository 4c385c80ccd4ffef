"""Signals the case record sends to the layers above it (which it must not import)."""

from django.dispatch import Signal

# Sent with `child_ids`, the children whose case record a change touched (an import, a decision
# on the SSDA903 history, an edit in the Django admin), inside its transaction: the layers above
# refresh what they store about them (the workbench's exception rows).
child_records_changed = Signal()

from django.apps import AppConfig


class SurgeriesConfig(AppConfig):
    name = "surgeries"

    def ready(self) -> None:
        from casework.services import child_record_changed
        from casework.signals import child_records_changed

        child_record_changed.connect(
            _refresh_child_lists, dispatch_uid="surgeries.refresh_child_lists"
        )
        child_records_changed.connect(
            _refresh_many_child_lists, dispatch_uid="surgeries.refresh_many_child_lists"
        )


def _refresh_child_lists(sender, *, child_id: int, **kwargs) -> None:
    """A visit or check recorded through the app: the child's stored exception rows are
    rewritten in the same transaction, so the workbench shows the change on the next request."""
    from casework.reporting import reporting_date
    from surgeries.lists import refresh_children

    refresh_children([child_id], reporting_date())


def _refresh_many_child_lists(sender, *, child_ids: list[int], **kwargs) -> None:
    """An import (CIN census, SSDA903, Annex A), a decision on the 903 history or an edit in the
    Django admin touched these children: their stored exception rows are rewritten in the same
    transaction."""
    from casework.reporting import reporting_date
    from surgeries.lists import refresh_children

    refresh_children(child_ids, reporting_date())

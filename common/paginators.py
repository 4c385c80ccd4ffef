"""A Django Page for a page the database has already cut, so every list page, whatever cut it,
goes through the one GOV.UK pagination tag (`casework_ui.pagination`)."""

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator


class CountedPaginator(Paginator):
    """Pages of `count` rows in all, of which the caller holds one page's rows (read with the
    total in one statement): nothing is counted or sliced again."""

    def __init__(self, page_rows: Sequence[Any], per_page: int, *, count: int) -> None:
        super().__init__(page_rows, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count

    def page_of(self, number: int) -> Page:
        """The page numbered `number`, holding the rows given (not a slice of them)."""
        return Page(self.object_list, number, self)

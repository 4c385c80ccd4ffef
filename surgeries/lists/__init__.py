"""The exception lists: the failing rows of every measure that has an `exception_list`, plus the
rows falling due soon, as at a date and inside a scope. One home for all of it:

- `definitions`: the lists, the kinds, the filter a user asks for, a row, the counts;
- `filtering`: the one row filter, the scope's rows and the one open-actions count, used by the
  live and the stored rows alike;
- `live`: the live union of every measure's rows (and its compiled-SQL cache);
- `stored`: the same rows stored per date (`ExceptionEntry`) and kept up to date;
- `sql`: the one module that runs SQL of its own (pages, counts, the stores);
- `rows`: the stored-or-live choice and the rows with their display columns.

Callers import this package (`from surgeries import lists`); the names below are its interface.
"""

from surgeries.lists.definitions import (
    COLUMNS,
    DEFAULT_SORT,
    DUE_SOON,
    KIND_LABELS,
    OVERDUE,
    SORTS,
    Counts,
    ExceptionList,
    ExceptionRow,
    RowFilter,
    first_day_numbered,
    lists_by_code,
    row_key,
    surgery_lists,
)
from surgeries.lists.filtering import scope_q, visible_child_ids
from surgeries.lists.live import clear_compiled_cache, exception_rows
from surgeries.lists.rows import (
    compiled_rows,
    exception_counts,
    failing_pairs,
    to_rows,
)
from surgeries.lists.sql import CompiledUnion, compile_union, count_rows, fetch_page, fetch_rows
from surgeries.lists.stored import answers, refresh, refresh_children, refreshed

__all__ = [
    "COLUMNS",
    "DEFAULT_SORT",
    "DUE_SOON",
    "KIND_LABELS",
    "OVERDUE",
    "SORTS",
    "CompiledUnion",
    "Counts",
    "ExceptionList",
    "ExceptionRow",
    "RowFilter",
    "answers",
    "clear_compiled_cache",
    "compile_union",
    "compiled_rows",
    "count_rows",
    "exception_counts",
    "exception_rows",
    "failing_pairs",
    "fetch_page",
    "fetch_rows",
    "first_day_numbered",
    "lists_by_code",
    "refresh",
    "refresh_children",
    "refreshed",
    "row_key",
    "scope_q",
    "surgery_lists",
    "to_rows",
    "visible_child_ids",
]

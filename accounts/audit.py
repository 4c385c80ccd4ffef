"""Access audit: every view or export of child-level data writes one AccessEvent in the request."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest

from accounts.models import AccessEvent

MAX_IDS = 5000  # a list export beyond this records the count and the filter, not every id


def record_access(
    request: HttpRequest,
    *,
    action: str,
    child_ids: Iterable[int] = (),
    count: int | None = None,
    filters: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> AccessEvent:
    ids = list(child_ids)
    user = request.user if request.user.is_authenticated else None
    match = getattr(request, "resolver_match", None)
    return AccessEvent.objects.create(
        user=user,
        role=(user.role.value if user and user.role else ""),
        action=action,
        url_name=(match.view_name if match else ""),
        path=request.path[:500],
        child_ids=ids[:MAX_IDS],
        count=len(ids) if count is None else count,
        filters=dict(filters or {}),
        status_code=status_code,
        request_id=getattr(request, "request_id", ""),
    )

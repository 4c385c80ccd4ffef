"""Who viewed this child: the access audit rows naming one child, for the people who answer for
that child's record (team managers for their own team, heads of service for their area,
administrators for everyone). Reading the audit is itself audited."""

from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.audit import record_access
from accounts.models import AccessEvent
from accounts.roles import Role
from casework.models import Child
from casework.scope import get_visible_child_or_404

AUDIT_READERS = {Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR}
PER_PAGE = 50


def events_naming_child(child: Child) -> QuerySet[AccessEvent]:
    """Audit rows whose child ids include this child, and refused attempts on its record (those
    carry no ids: the path holds its public id). Newest first."""
    if connection.vendor == "postgresql":
        # JSON containment, served by a GIN index on child_ids where one exists.
        names_child = Q(child_ids__contains=[child.pk])
    else:
        # SQLite has no JSON containment: match the id as a whole element of the stored list.
        names_child = Q(ids_text__regex=rf"[\[ ,]{child.pk}[,\]]")
    events = AccessEvent.objects.all()
    if connection.vendor != "postgresql":
        events = events.annotate(ids_text=Cast("child_ids", TextField()))
    return (
        events.filter(names_child | Q(path__contains=str(child.public_id)))
        .select_related("user")
        .order_by("-at", "-pk")
    )


@require_GET
def child_access(request: HttpRequest, public_id: Any) -> HttpResponse:
    role = getattr(request.user, "role", None)
    try:
        if role not in AUDIT_READERS:
            raise Http404("No such child")
        child = get_visible_child_or_404(request.user, public_id)
    except Http404:
        record_access(request, action="refused", status_code=404)
        raise
    # Audit first: the page's count and its rows are then read from the same set of rows.
    record_access(request, action="audit", child_ids=[child.pk])
    page = Paginator(events_naming_child(child), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_child.html", {"child": child, "page": page})

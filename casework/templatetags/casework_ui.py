"""Template helpers for the GOV.UK and MOJ components: service navigation by role, pagination for
any Django Page, category tags and the GOV.UK form renderer's widget attributes."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import template
from django.core.paginator import Page
from django.forms import BoundField
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.roles import CHILD_LEVEL_ROLES, Role
from casework.codes import meaning
from casework.cohorts import Category
from casework.models import Child, child_url
from common.navigation import with_next

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    current: bool


# Roles whose users hold or manage a caseload, so "My caseload" means something to them.
CASELOAD_ROLES = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
# Who loads the returns and reads the import reports (casework.import_views).
IMPORT_ROLES = {Role.PERFORMANCE_OFFICER, Role.ADMINISTRATOR}


def navigation_items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    role = user.role
    path = request.path
    links: list[tuple[str, str]] = [("Home", reverse("home"))]
    if role in CASELOAD_ROLES:
        links.append(("My caseload", reverse("caseload")))
    if role in CHILD_LEVEL_ROLES:
        links.append(("Find a child", reverse("child_search")))
        links.append(("Surgeries", "/surgeries/"))
    if role is not None:
        links.append(("Scorecard", "/scorecard/"))
    if role in IMPORT_ROLES:
        links.append(("Imports", reverse("imports")))
    if user.is_staff:
        links.append(("Admin", reverse("admin:index")))
    home = reverse("home")
    return [
        NavItem(text, href, path == href if href == home else path.startswith(href))
        for text, href in links
    ]


@register.inclusion_tag("components/service_navigation.html", takes_context=True)
def service_navigation(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    return {"items": navigation_items(request) if request is not None else []}


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(
    context: template.Context, page: Page, param: str = "page", label: str = "Pagination"
) -> dict[str, Any]:
    """GOV.UK pagination for a Page, keeping the rest of the query string (filters, sort)."""
    request: HttpRequest = context["request"]

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}"

    paginator = page.paginator
    pages: list[dict[str, Any]] = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if isinstance(number, int):
            pages.append({"number": number, "url": url(number), "current": number == page.number})
        else:  # Paginator.ELLIPSIS
            pages.append({"ellipsis": True})
    return {
        "pages": pages,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
        "start_index": page.start_index(),
        "end_index": page.end_index(),
        "count": paginator.count,
        "label": label,
    }


CATEGORY_COLOURS = {
    Category.CIC: "purple",
    Category.CP: "red",
    Category.CARE_LEAVER: "turquoise",
    Category.CIN: "blue",
}


@register.filter
def category_label(category: str | None) -> str:
    return Category.LABELS.get(category, category) if category else "Not open"


@register.filter
def category_colour(category: str | None) -> str:
    return CATEGORY_COLOURS.get(category, "") if category else "grey"


@register.inclusion_tag("components/tag.html")
def category_tag(category: str | None) -> dict[str, str]:
    """The child's category as a tag: colour plus the word."""
    return {"text": category_label(category), "colour": category_colour(category)}


CHILD_LINK = '<a class="govuk-link" href="{}">{}</a>'
CHILD_LINK_UNBOOSTED = '<a class="govuk-link" hx-boost="false" href="{}">{}</a>'


@register.simple_tag
def child_link(
    child: Child | None = None,
    *,
    public_id: UUID | str | None = None,
    name: str = "",
    boost: bool = True,
    back: str = "",
) -> SafeString:
    """The one link to a child record: `{% child_link child %}`, or `{% child_link
    public_id=row.child_public_id name=row.child_name %}` for a row without the Child. A row
    with no name reads "Name not recorded"; `boost=False` makes htmx load the record as a whole
    page (from a page whose fragments htmx swaps); `back` (the current page) gives the record a
    back link to it."""
    if child is not None:
        public_id, name = child.public_id, name or child.full_name
    if not public_id:
        return format_html("{}", name or "—")
    link = CHILD_LINK if boost else CHILD_LINK_UNBOOSTED
    return format_html(link, with_next(child_url(public_id), back), name or "Name not recorded")


# --- GOV.UK form renderer ---------------------------------------------------------------------

WIDGET_CLASSES = {
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
}


@register.filter
def govuk_widget(field: BoundField) -> str:
    """Render a text-like input, select or textarea with GOV.UK classes, the error modifier and
    aria-describedby pointing at the hint and error message."""
    base = WIDGET_CLASSES.get(field.widget_type, "govuk-input")
    classes = [base]
    if field.errors:
        classes.append(f"{base}--error")
    existing = field.field.widget.attrs.get("class")
    if existing:
        classes.append(existing)
    attrs: dict[str, str | bool] = {"class": " ".join(classes)}
    described = described_by(field)
    if described:
        attrs["aria-describedby"] = described
    return field.as_widget(attrs=attrs)


@register.filter
def described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def error_target_id(field: BoundField) -> str:
    """The id an error summary link should point at: the field's first input for fields made of
    several inputs (radios, checkboxes, the day of a date)."""
    if field.widget_type in {"radioselect", "checkboxselectmultiple", "govukdate"}:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.filter
def is_fieldset(field: BoundField) -> bool:
    """Fields of several inputs get a fieldset and legend rather than a label."""
    return field.widget_type in {"radioselect", "checkboxselectmultiple", "govukdate"}


@register.filter
def role_label(value: str) -> str:
    """A stored role code ("team_manager") in words ("Team manager")."""
    try:
        return Role(value).label
    except ValueError:
        return value or "No role"


# Audit rows name the page by its URL name; people read them by what the page is.
PAGE_LABELS = {
    "child_overview": "Child record: overview",
    "child_visits": "Child record: visits",
    "child_plans": "Child record: plans and conferences",
    "child_care": "Child record: care and placements",
    "child_health": "Child record: health",
    "child_history": "Child record: history",
    "child_access": "Who viewed this record",
    "child_search": "Find a child",
    "visit_new": "Record a visit",
    "visit_correct": "Correct a visit",
    "visit_withdraw": "Withdraw a visit",
    "health_check_new": "Record a check",
    "caseload": "My caseload",
    "surgeries:workbench": "Workbench",
    "surgeries:workbench_export": "Workbench export",
    "scorecard:drilldown": "Scorecard: children behind a figure",
    "scorecard:drilldown_export": "Scorecard: export of the children behind a figure",
    "annex_a_export": "Ofsted Annex A export",
}
ACTION_LABELS = {
    "view": "Viewed",
    "list": "Listed",
    "export": "Exported",
    "drilldown": "Drill-down",
    "search": "Searched",
    "audit": "Read who viewed",
    "refused": "Refused",
    "2fa_reset": "Second factor reset",
}


@register.filter
def page_label(url_name: str) -> str:
    if url_name in PAGE_LABELS:
        return PAGE_LABELS[url_name]
    words = url_name.split(":")[-1].replace("_", " ")
    return words[:1].upper() + words[1:]


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


@register.filter
def code_meaning(code: str | None, list_name: str) -> str:
    """`{{ child.ethnicity|code_meaning:"ethnicity" }}`: a DfE code with its meaning."""
    return meaning(list_name, code)

"""Each demo role signs in, opens every page of its service navigation at 1280x800 and 375x667,
and finds: axe 0 violations, no page wider than the window at 375 (a wide table scrolls inside
its own region), and no link in the page's main content answering 403 or 404. A second walk
follows the links three deep (records, actions, meetings, forms) and checks every page shape it
reaches is no wider than 375."""

import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import check_page, sign_in

pytestmark = pytest.mark.e2e

ROLES = [
    "demo-worker",
    "demo-manager",
    "demo-chair",
    "demo-leader",
    "demo-performance",
    "demo-admin",
]
# Links checked per page: distinct paths, the first of each; a scorecard has hundreds of
# drill-down links of one shape, and one per shape is the check.
LINKS_PER_PAGE = 25


def _nav_links(page) -> list[tuple[str, str]]:
    items = page.locator(".govuk-service-navigation__list a")
    return [(a.inner_text().strip(), a.get_attribute("href")) for a in items.all()]


def _shape(path: str) -> str:
    """/children/<uuid>/visits/ and /children/<other uuid>/visits/ are one shape."""
    return "/".join("*" if len(part) >= 32 or part.isdigit() else part for part in path.split("/"))


def _main_links(page) -> list[str]:
    hrefs = page.locator("main a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    seen, links = set(), []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or href.startswith("#"):
            continue
        shape = _shape(parts.path)
        if shape in seen:
            continue
        seen.add(shape)
        links.append(href)
    return links[:LINKS_PER_PAGE]


@pytest.mark.parametrize("username", ROLES)
def test_role_reaches_every_page_of_its_navigation(page, live_server, council, username):
    sign_in(page, username, council.password)
    items = _nav_links(page)
    assert items, "the navigation lists the role's pages"
    for text, href in items:
        if text == "Admin":
            response = page.goto(href)
            assert response.status == 200, href  # the admin is Django's own, not axe-checked
            continue
        for width, height in ((1280, 800), (375, 667)):
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(href)
            assert response.status == 200, f"{username}: {text} ({href}) answered {response.status}"
            check_page(page, f"nav-{username}-{text.lower().replace(' ', '-')}-{width}")
            if width == 375:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= 375, f"{username}: {href} is {scroll}px wide at 375"
        for link in _main_links(page):
            status = page.request.get(link, max_redirects=5).status
            assert status not in (403, 404), f"{username}: {href} links to {link} ({status})"
        page.set_viewport_size({"width": 1280, "height": 800})


# Not pages: downloads, signing out, the admin (Django's own), the second factor's set-up.
NOT_PAGES = re.compile(r"(\.(csv|xlsx|pdf|docx)$|/export|/logout/|/two-factor/)")
# A walk that follows every page shape three links deep from the navigation reaches the record,
# action, meeting and form pages; this many per role keeps it to minutes.
PAGES_PER_ROLE = 60


def _walk_shape(path: str) -> str:
    """As `_shape`, with every drill-down of a quarter one shape (one template)."""
    parts = path.split("/")
    if len(parts) > 4 and parts[1] == "scorecard" and parts[3] not in ("charts", "report"):
        parts[3] = "*"
    return _shape("/".join(parts))


@pytest.mark.parametrize("username", ROLES)
def test_no_page_of_the_walk_scrolls_sideways_at_375(page, live_server, council, username):
    """Every page shape reachable three links deep from the role's navigation, at 375x667: the
    page is never wider than the window (wide tables scroll inside their own region)."""
    from django.conf import settings

    sign_in(page, username, council.password)
    page.set_viewport_size({"width": 375, "height": 667})
    admin = "/" + settings.ADMIN_URL
    queue = [(href, 0) for _, href in _nav_links(page)]
    seen: set[str] = set()
    wide, checked = [], 0
    while queue and checked < PAGES_PER_ROLE:
        href, depth = queue.pop(0)
        path = urlsplit(href).path
        shape = _walk_shape(path)
        if shape in seen or NOT_PAGES.search(path) or path.startswith(admin):
            continue
        seen.add(shape)
        response = page.goto(href)
        assert response.status == 200, f"{username}: {href} answered {response.status}"
        checked += 1
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > 375:
            wide.append(f"{href} is {scroll}px wide")
        if depth < 3:
            queue += [(link, depth + 1) for link in _main_links(page)]
    print(f"\n{username}: {checked} page shapes at 375x667, {len(wide)} wider than the window")
    assert checked >= 5, f"{username}: the walk reached only {checked} pages"
    assert wide == [], f"{username}: " + "; ".join(wide)

"""Each demo role signs in, opens every page of its service navigation at 1280x800 and 375x667,
and finds: axe 0 violations, no page wider than the window at 375 (a wide table scrolls inside
its own region), and no link in the page's main content answering 403 or 404."""

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

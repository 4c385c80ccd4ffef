"""Which statements of a request are the page's own (perfbench's pages suites count those)."""

from __future__ import annotations

import re

# Statements every signed-in request makes whatever the page (session, user, groups, the
# session's save) and transaction settings: reported, but the page's own queries are the rest.
FRAMEWORK = re.compile(r'"django_session"|FROM "accounts_user"|"auth_group"|^SET LOCAL ')


def app_statements(sqls: list[str]) -> list[str]:
    return [s for s in sqls if not FRAMEWORK.search(s)]

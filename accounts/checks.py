"""Project system checks: the security settings this product must never run without.

They run with `manage.py check` (and `check --deploy`), so a settings change that weakens one
fails the deployment pipeline, not a penetration test months later."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "unsafe-inline", "unsafe-eval")


@register(Tags.security)
def csp_without_unsafe_inline(app_configs, **kwargs) -> list:
    policy = getattr(settings, "SECURE_CSP", None) or {}
    problems = []
    if not policy:
        problems.append(
            Error("SECURE_CSP is not set: the Content Security Policy is off.", id="scorecard.E001")
        )
    for directive in ("default-src", "script-src", "style-src"):
        values = [str(v) for v in policy.get(directive, [])]
        if any(u in v for v in values for u in UNSAFE):
            problems.append(
                Error(
                    f"SECURE_CSP {directive} allows unsafe-inline or unsafe-eval.",
                    id="scorecard.E002",
                )
            )
    if "django.middleware.csp.ContentSecurityPolicyMiddleware" not in settings.MIDDLEWARE:
        problems.append(Error("The CSP middleware is not installed.", id="scorecard.E003"))
    return problems


@register(Tags.security)
def celery_json_only(app_configs, **kwargs) -> list:
    problems = []
    if list(getattr(settings, "CELERY_ACCEPT_CONTENT", [])) != ["json"]:
        problems.append(
            Error("CELERY_ACCEPT_CONTENT must be ['json'] (no pickle).", id="scorecard.E004")
        )
    for name in ("CELERY_TASK_SERIALIZER", "CELERY_RESULT_SERIALIZER"):
        if getattr(settings, name, "json") != "json":
            problems.append(Error(f"{name} must be 'json'.", id="scorecard.E005"))
    return problems


@register(Tags.security, deploy=True)
def secure_cookies(app_configs, **kwargs) -> list:
    problems = []
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"):
        if not getattr(settings, name, False):
            problems.append(Warning(f"{name} should be True in production.", id="scorecard.W001"))
    return problems


@register(Tags.security)
def admin_not_at_admin(app_configs, **kwargs) -> list:
    if getattr(settings, "ADMIN_URL", "admin/").strip("/").lower() == "admin":
        return [
            Warning(
                "The admin is at /admin/: set ADMIN_URL to a less obvious path.",
                id="scorecard.W002",
            )
        ]
    return []

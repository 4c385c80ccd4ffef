from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    user = request.user
    return {
        "council_name": settings.COUNCIL_NAME,
        "user_role": getattr(user, "role", None) if user.is_authenticated else None,
    }

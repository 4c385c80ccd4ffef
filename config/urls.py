from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("casework.urls")),
    path("accounts/", include("accounts.urls")),
    path("scorecard/", include("scorecard.urls")),
    path("surgeries/", include("surgeries.urls")),
    path("imports/", include("casework.import_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler403 = "accounts.errors.permission_denied"
handler404 = "accounts.errors.page_not_found"
handler500 = "accounts.errors.server_error"

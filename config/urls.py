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

from django.urls import path

from casework import import_views

urlpatterns = [
    path("", import_views.imports, name="imports"),
    path("<int:pk>/", import_views.import_report, name="import_report"),
    path("<int:pk>/report.csv", import_views.import_report_csv, name="import_report_csv"),
    path("annex-a/", import_views.annex_a, name="annex_a_export"),
]

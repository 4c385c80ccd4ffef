from django.urls import path

from casework import import_views

urlpatterns = [
    path("", import_views.imports, name="imports"),
    path("<int:pk>/", import_views.import_report, name="import_report"),
    path("<int:pk>/report.csv", import_views.import_report_csv, name="import_report_csv"),
    path("open-episodes/", import_views.open_episodes, name="open_episodes"),
    path(
        "open-episodes/<int:pk>/",
        import_views.open_episode_decide_view,
        name="open_episode_decide",
    ),
    path("ssda903-checks/", import_views.ssda903_checks, name="ssda903_checks"),
    path(
        "ssda903-checks.<str:fmt>",
        import_views.ssda903_checks_download,
        name="ssda903_checks_download",
    ),
    path("annex-a/", import_views.annex_a, name="annex_a_export"),
]

from django.urls import path

from scorecard import views

app_name = "scorecard"
urlpatterns = [
    path("", views.scorecard_current, name="current"),
    path("<str:quarter>/", views.scorecard_page, name="quarter"),
    path("<str:quarter>/charts/", views.charts_page, name="charts"),
    path("<str:quarter>/pack.pdf", views.committee_pack, name="pack"),
    path("<str:quarter>/report/", views.report_page, name="report"),
    path("<str:quarter>/report/edit/", views.report_edit, name="report_edit"),
    path("<str:quarter>/report/publish/", views.report_publish, name="report_publish"),
    path("<str:quarter>/report.<str:fmt>", views.report_download, name="report_download"),
    path("<str:quarter>/report/renders/", views.report_render_new, name="report_render_new"),
    path("<str:quarter>/report/renders/<int:number>/", views.report_render, name="report_render"),
    path(
        "<str:quarter>/report/renders/<int:number>.pdf",
        views.report_render_pdf,
        name="report_render_pdf",
    ),
    path(
        "<str:quarter>/report/versions/<int:number>.<str:fmt>",
        views.report_version,
        name="report_version",
    ),
    path("<str:quarter>/scorecard.<str:fmt>", views.scorecard_export, name="export"),
    path("<str:quarter>/<slug:code>/", views.drilldown, name="drilldown"),
    path(
        "<str:quarter>/<slug:code>/export.<str:fmt>",
        views.drilldown_export,
        name="drilldown_export",
    ),
]

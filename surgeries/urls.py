from django.urls import path

from surgeries import views

app_name = "surgeries"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("export.<str:fmt>", views.workbench_export, name="workbench_export"),
    path("actions/new/", views.action_new, name="action_new"),
    path("actions/mine/", views.actions_mine, name="actions_mine"),
    path("actions/team/", views.actions_team, name="actions_team"),
    path("actions/overdue/", views.actions_overdue, name="actions_overdue"),
    path("actions/<uuid:public_id>/", views.action_detail, name="action_detail"),
    path("actions/<uuid:public_id>/complete/", views.action_complete, name="action_complete"),
    path("actions/<uuid:public_id>/cancel/", views.action_cancel, name="action_cancel"),
    path("meetings/", views.surgery_list, name="surgery_list"),
    path("meetings/new/", views.surgery_new, name="surgery_new"),
    path("meetings/<uuid:public_id>/", views.surgery_detail, name="surgery_detail"),
    path(
        "meetings/<uuid:public_id>/children/<uuid:child_id>/",
        views.surgery_child,
        name="surgery_child",
    ),
    path("meetings/<uuid:public_id>/close/", views.surgery_close, name="surgery_close"),
    path(
        "meetings/<uuid:public_id>/agenda.<str:fmt>",
        views.surgery_agenda_export,
        name="surgery_agenda_export",
    ),
    path(
        "meetings/<uuid:public_id>/minutes.<str:fmt>",
        views.surgery_minutes,
        name="surgery_minutes",
    ),
    path("barriers/", views.barriers, name="barriers"),
]

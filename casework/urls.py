from django.urls import path

from casework import audit_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("caseload/", views.caseload, name="caseload"),
    path("children/search/", views.child_search, name="child_search"),
    path("children/<uuid:public_id>/", views.child_overview, name="child_overview"),
    path("children/<uuid:public_id>/visits/", views.child_visits, name="child_visits"),
    path("children/<uuid:public_id>/visits/new/", views.visit_new, name="visit_new"),
    path(
        "children/<uuid:public_id>/visits/<uuid:visit_id>/correct/",
        views.visit_correct_view,
        name="visit_correct",
    ),
    path(
        "children/<uuid:public_id>/visits/<uuid:visit_id>/withdraw/",
        views.visit_withdraw_view,
        name="visit_withdraw",
    ),
    path("children/<uuid:public_id>/plans/", views.child_plans, name="child_plans"),
    path("children/<uuid:public_id>/care/", views.child_care, name="child_care"),
    path("children/<uuid:public_id>/health/", views.child_health, name="child_health"),
    path("children/<uuid:public_id>/health/new/", views.health_check_new, name="health_check_new"),
    path("children/<uuid:public_id>/history/", views.child_history_view, name="child_history"),
    path("children/<uuid:public_id>/access/", audit_views.child_access, name="child_access"),
]

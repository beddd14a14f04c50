from django.urls import path

from targets import import_views, notification_views, review_views, views

app_name = "targets"
urlpatterns = [
    path("", views.entry, name="entry"),
    path("completeness/", views.completeness, name="completeness"),
    path("audit/", views.audit_log, name="audit_log"),
    path("import-plan/", views.plan_import, name="plan_import"),
    path("import-plan/confirm/", import_views.plan_import_confirm, name="plan_import_confirm"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/read/", notification_views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path("<slug:slug>/<int:year>/<int:month>/chase/", notification_views.chase, name="chase"),
    path("reminders/<int:pk>/", notification_views.reminder_detail, name="reminder_detail"),
    path("submissions/<int:pk>/review/", review_views.review, name="review"),
    path(
        "<slug:slug>/<int:year>/<int:month>/dept/<int:department_id>/",
        views.department_grid,
        name="department_grid",
    ),
    path("history/<int:allocation_id>/<int:month>/", views.figure_history, name="figure_history"),
    path("submissions/<int:pk>/<str:action>/", views.submission_review, name="submission_review"),
    path("<slug:slug>/allocations/", views.allocations, name="allocations"),
    path("<slug:slug>/<int:year>/<int:month>/template.xlsx", views.template_download, name="template"),
    path("<slug:slug>/<int:year>/<int:month>/upload/", views.upload, name="upload"),
    path("<slug:slug>/<int:year>/<int:month>/<str:region_code>/", views.grid, name="grid"),
    path("<slug:slug>/<int:year>/<int:month>/<str:region_code>/reopen/", views.reopen, name="reopen"),
]

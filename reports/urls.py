from django.urls import path

from reports import leader_views, notice_views, views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("leader/", leader_views.leader, name="leader"),
    path("ranking/", views.ranking, name="ranking"),
    path("trend/", views.trend, name="trend"),
    path("my-region/", views.my_region, name="my_region"),
    path("departments/", views.by_department, name="by_department"),
    path("milestones/", views.milestones, name="milestones"),
    path("tables/<str:table>/", views.table_fragment, name="table_fragment"),
    path("export/<str:table>.<str:fmt>", views.table_export, name="table_export"),
    path("circulars/", views.circular_list, name="circulars"),
    path("circulars/request/", views.circular_request_view, name="circular_request"),
    path("circulars/jobs/<int:pk>/", views.job_status, name="job_status"),
    path("circulars/jobs/<int:pk>/retry/", views.job_retry_view, name="job_retry"),
    path("circulars/<int:pk>/issue/", views.circular_issue_view, name="circular_issue"),
    path("circulars/<int:pk>/<str:fmt>/", views.circular_download, name="circular_download"),
    path("notices/", notice_views.notice_list, name="notices"),
    path("notices/issue/", notice_views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/", notice_views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/sign/", notice_views.notice_sign, name="notice_sign"),
    path("notices/<int:pk>/answer/", notice_views.notice_answer, name="notice_answer"),
    path("notices/<int:pk>/review/", notice_views.notice_review, name="notice_review"),
    path("notices/<int:pk>/instruct/", notice_views.notice_instruct, name="notice_instruct"),
    path("notices/<int:pk>/archive/", notice_views.notice_archive, name="notice_archive"),
    path("notices/<int:pk>/evidence/<int:attachment_pk>/", notice_views.notice_attachment, name="notice_attachment"),
    path("notices/<int:pk>/<str:fmt>/", notice_views.notice_download, name="notice_download"),
    path("plans/<slug:slug>/next-steps/", views.next_steps_edit, name="next_steps"),
]

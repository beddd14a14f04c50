from django.urls import path

from reports import circular_views, leader_views, views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("leader/", leader_views.leader, name="leader"),
    path("ranking/", views.ranking, name="ranking"),
    path("trend/", views.trend, name="trend"),
    path("my-region/", views.my_region, name="my_region"),
    path("departments/", views.by_department, name="by_department"),
    path("milestones/", views.milestones, name="milestones"),
    path("export/<str:table>.<str:fmt>", views.table_export, name="table_export"),
    path("circulars/", circular_views.circular_list, name="circulars"),
    path("circulars/request/", circular_views.circular_request, name="circular_request"),
    path("circulars/jobs/<int:pk>/", circular_views.job_status, name="job_status"),
    path("circulars/jobs/<int:pk>/retry/", circular_views.job_retry, name="job_retry"),
    path("circulars/<int:pk>/<str:fmt>/", circular_views.circular_download, name="circular_download"),
    path("plans/<slug:slug>/next-steps/", circular_views.next_steps_edit, name="next_steps"),
]

from django.urls import path

from reports.api import api

urlpatterns = [path("api/", api.urls)]

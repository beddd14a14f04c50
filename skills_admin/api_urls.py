from django.urls import path

from skills_admin.api import api

urlpatterns = [path("api/", api.urls)]

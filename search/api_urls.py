"""The search API: outside the language prefix, like the rest of /api/."""

from django.urls import path

from . import views

app_name = "search_api"

urlpatterns = [
    path("", views.search_api, name="results"),
    path("suggest/", views.suggest_api, name="suggest"),
]

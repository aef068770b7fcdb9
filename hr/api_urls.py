from django.urls import path

from . import api

app_name = "hr_api"

urlpatterns = [
    path("me/", api.MeView.as_view(), name="me"),
    path("statistics/", api.UnitStatisticsView.as_view(), name="statistics"),
    path("completions/", api.CompletionsView.as_view(), name="completions"),
]

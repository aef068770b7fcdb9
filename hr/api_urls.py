from django.urls import path

from . import api

app_name = "hr_api"

urlpatterns = [
    path("me/", api.MeView.as_view(), name="me"),
    path("statistics/", api.UnitStatisticsView.as_view(), name="statistics"),
    path("completions/", api.CompletionsView.as_view(), name="completions"),
    path("campaigns/", api.CampaignListView.as_view(), name="campaigns"),
    path(
        "campaigns/<int:pk>/compliance/",
        api.CampaignComplianceView.as_view(),
        name="campaign_compliance",
    ),
]

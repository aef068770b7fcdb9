from django.urls import path

from . import views, views_campaigns

app_name = "hr"

urlpatterns = [
    path("", views.home, name="home"),
    path("unit/<str:code>/", views.unit_dashboard, name="unit"),
    path("unit/<str:code>/export/<str:exporter>.csv", views.export_csv, name="export_csv"),
    path("unit/<str:code>/export/<str:exporter>.xlsx", views.export_xlsx, name="export_xlsx"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/download/<str:token>/", views.export_download, name="export_download"),
    path("import/", views.import_upload, name="import"),
    path("import/template.<str:file_format>", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("campaigns/", views_campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", views_campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views_campaigns.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views_campaigns.campaign_edit, name="campaign_edit"),
    path(
        "campaigns/<int:pk>/launch/", views_campaigns.campaign_launch_view, name="campaign_launch"
    ),
    path(
        "campaigns/<int:pk>/compliance/",
        views_campaigns.campaign_compliance_view,
        name="campaign_compliance",
    ),
    path(
        "campaigns/<int:pk>/compliance.<str:file_format>",
        views_campaigns.campaign_export,
        name="campaign_export",
    ),
]

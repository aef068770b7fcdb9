from django.urls import path

from . import views

app_name = "hr"

urlpatterns = [
    path("", views.home, name="home"),
    path("unit/<str:code>/", views.unit_dashboard, name="unit"),
    path("unit/<str:code>/export/<str:exporter>.csv", views.export_csv, name="export_csv"),
    path("unit/<str:code>/export/<str:exporter>.xlsx", views.export_xlsx, name="export_xlsx"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/download/<str:token>/", views.export_download, name="export_download"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/apply/", views.import_apply, name="import_apply"),
]

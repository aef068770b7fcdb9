from django.urls import path

from . import views

app_name = "diagnostic"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("page/<int:page>/", views.take, name="take"),
    path("review/", views.review, name="review"),
    path("results/<int:pk>/", views.result, name="result"),
    path("enrol/<int:course_id>/", views.enrol, name="enrol"),
    path("maturity/", views.maturity_home, name="maturity_home"),
    path("maturity/<str:code>/", views.maturity, name="maturity"),
    path("maturity/<str:code>/export.<str:file_format>", views.maturity_export, name="export"),
    path("maturity/<str:code>/indicators/", views.indicators, name="indicators"),
    path("maturity/<str:code>/plan/", views.plan, name="plan"),
]

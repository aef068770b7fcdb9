from django.urls import path

from . import views

app_name = "learners"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("lessons/<int:lesson_id>/visit/", views.lesson_visit, name="lesson_visit"),
    path("lessons/<int:lesson_id>/heartbeat/", views.lesson_heartbeat, name="lesson_heartbeat"),
    path("bulk/", views.bulk_enrol, name="bulk_enrol"),
    path("bulk/<int:job_id>/", views.bulk_job, name="bulk_job"),
]

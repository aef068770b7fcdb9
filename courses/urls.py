from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("quiz/<int:page_id>/<str:block_id>/start/", views.quiz_start, name="quiz_start"),
    path("assessment/<int:page_id>/start/", views.quiz_start, name="assessment_start"),
    path("attempts/<int:attempt_id>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:attempt_id>/draft/", views.attempt_draft, name="attempt_draft"),
]

from django.urls import path, re_path

from . import views

app_name = "h5p"

urlpatterns = [
    path("h5p/play/<int:lesson_id>/<slug:key>/", views.activity_iri, name="activity_iri"),
    path("h5p/play/<int:lesson_id>/<slug:key>/", views.activity_iri, name="play_root"),
    path("h5p/play/<int:lesson_id>/<slug:key>/h5p.json", views.h5p_json, name="h5p_json"),
    re_path(
        r"^h5p/play/(?P<lesson_id>\d+)/(?P<key>[-\w]+)/content/(?P<path>.+)$",
        views.content_file,
        name="content_file",
    ),
    re_path(
        r"^h5p/play/(?P<lesson_id>\d+)/(?P<key>[-\w]+)/libraries/(?P<folder>[A-Za-z0-9._-]+)/(?P<path>.+)$",
        views.library_file,
        name="library_file",
    ),
    path(
        "h5p/user-data/<int:lesson_id>/<slug:key>/<str:content_id>",
        views.user_data,
        name="user_data_content",
    ),
    path("h5p/user-data/<int:lesson_id>/<slug:key>", views.user_data, name="user_data"),
]

from django.urls import path, re_path

from . import views

app_name = "h5p"

# Player files are addressed by a signed token, not by the session: the sandboxed player
# frame (opaque origin) sends no cookies.
TOKEN = r"(?P<token>[A-Za-z0-9_:.-]+)"

urlpatterns = [
    path("h5p/play/<int:lesson_id>/<slug:key>/", views.activity_iri, name="activity_iri"),
    path("h5p/play/<int:lesson_id>/<slug:key>/", views.activity_iri, name="play_root"),
    path("h5p/player/<int:lesson_id>/<slug:key>/", views.player, name="player"),
    re_path(rf"^h5p/files/{TOKEN}/h5p\.json$", views.files_h5p_json, name="files_h5p_json"),
    re_path(
        rf"^h5p/files/{TOKEN}/content/(?P<path>.+)$", views.files_content, name="files_content"
    ),
    re_path(
        rf"^h5p/files/{TOKEN}/libraries/(?P<folder>[A-Za-z0-9._-]+)/(?P<path>.+)$",
        views.files_library,
        name="files_library",
    ),
    path(
        "h5p/user-data/<int:lesson_id>/<slug:key>/<str:content_id>",
        views.user_data,
        name="user_data_content",
    ),
    path("h5p/user-data/<int:lesson_id>/<slug:key>", views.user_data, name="user_data"),
]

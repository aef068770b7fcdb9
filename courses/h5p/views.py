"""Thin views: player files (access-checked, from private storage) and resume state."""

import mimetypes
import posixpath

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .access import activity_playable_in_lesson, lesson_for_id
from .models import H5PActivity
from .selectors import h5p_activity_playable, h5p_settings, user_data_for
from .services import h5p_user_data_delete, h5p_user_data_save
from .services.packages import private_storage
from .services.results import UserDataTooLarge

MIME_TYPES = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "svg": "image/svg+xml",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "vtt": "text/vtt; charset=utf-8",
    "webvtt": "text/vtt; charset=utf-8",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "ogg": "audio/ogg",
    "txt": "text/plain; charset=utf-8",
    "md": "text/plain; charset=utf-8",
    "glb": "model/gltf-binary",
    "gltf": "model/gltf+json",
}


def _activity_for(request, lesson_id: int, key: str) -> H5PActivity:
    activity = get_object_or_404(H5PActivity.objects.select_related("package"), key=key)
    if not h5p_activity_playable(activity=activity):
        raise Http404
    if not activity_playable_in_lesson(
        user=request.user, activity=activity, lesson_id=int(lesson_id)
    ):
        raise PermissionDenied
    return activity


def _safe(path: str) -> str:
    clean = posixpath.normpath(path)
    if clean.startswith(("/", "..")) or "\\" in path or clean in (".", ""):
        raise Http404
    return clean


def _serve(stored_path: str, max_age: int) -> FileResponse:
    storage = private_storage()
    if not storage.exists(stored_path):
        raise Http404
    ext = stored_path.rsplit(".", 1)[-1].lower() if "." in stored_path.rsplit("/", 1)[-1] else ""
    content_type = (
        MIME_TYPES.get(ext) or mimetypes.guess_type(stored_path)[0] or "application/octet-stream"
    )
    response = FileResponse(storage.open(stored_path, "rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"private, max-age={max_age}"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if ext == "svg":
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        )
    return response


@require_GET
def activity_iri(request, lesson_id, key):
    """The xAPI object id of an activity: opening it leads to its lesson."""
    activity = _activity_for(request, lesson_id, key)
    lesson = lesson_for_id(int(lesson_id)) if int(lesson_id) else None
    if lesson is None:
        raise Http404(activity.key)
    return HttpResponseRedirect(lesson.specific.url)


@require_GET
def h5p_json(request, lesson_id, key):
    activity = _activity_for(request, lesson_id, key)
    return _serve(
        f"{activity.package.content_path}/h5p.json", h5p_settings()["CONTENT_CACHE_SECONDS"]
    )


@require_GET
def content_file(request, lesson_id, key, path):
    activity = _activity_for(request, lesson_id, key)
    return _serve(
        f"{activity.package.content_path}/content/{_safe(path)}",
        h5p_settings()["CONTENT_CACHE_SECONDS"],
    )


@require_GET
def library_file(request, lesson_id, key, folder, path):
    activity = _activity_for(request, lesson_id, key)
    library = next(
        (lib for lib in activity.package.libraries.all() if lib.folder_name == folder), None
    )
    if library is None:
        raise Http404
    if library.is_blocked:
        raise PermissionDenied
    return _serve(f"{library.storage_path}/{_safe(path)}", h5p_settings()["LIBRARY_CACHE_SECONDS"])


@require_http_methods(["GET", "POST"])
def user_data(request, lesson_id, key, content_id=None):
    """H5P core's contentUserData protocol: GET → {success, data}; POST data=… (0 deletes)."""
    if not request.user.is_authenticated:
        return JsonResponse({"success": False, "message": _("Not signed in.")}, status=403)
    activity = _activity_for(request, lesson_id, key)
    data_type = (request.GET.get("dataType") or "state")[:64]
    sub_content_id = (request.GET.get("subContentId") or "0")[:64]
    if request.method == "GET":
        row = user_data_for(
            user=request.user, activity=activity, data_type=data_type, sub_content_id=sub_content_id
        )
        response = JsonResponse({"success": True, "data": row.data if row else False})
        response["Cache-Control"] = "no-store"
        return response
    data = request.POST.get("data")
    if data is None:
        return JsonResponse({"success": False, "message": _("No data sent.")}, status=400)
    if data in ("0", ""):
        h5p_user_data_delete(
            user=request.user, activity=activity, data_type=data_type, sub_content_id=sub_content_id
        )
        return JsonResponse({"success": True})
    try:
        h5p_user_data_save(
            user=request.user,
            activity=activity,
            data=data,
            data_type=data_type,
            sub_content_id=sub_content_id,
        )
    except UserDataTooLarge as exc:
        return JsonResponse({"success": False, "message": str(exc)}, status=413)
    return JsonResponse({"success": True})

"""Thin views: player files (access-checked, from private storage) and resume state."""

import hashlib
import mimetypes
import posixpath

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from .access import (
    activity_playable_in_lesson,
    activity_previewable_in_lesson,
    file_token_make,
    file_token_read,
    lesson_for_id,
)
from .models import H5PActivity
from .selectors import h5p_activity_playable, h5p_player_options, h5p_settings, user_data_for
from .services import h5p_play_record, h5p_user_data_delete, h5p_user_data_save
from .services.packages import private_storage
from .services.results import UserDataTooLarge

MIME_TYPES = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "wav": "audio/wav",
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


# What a browser could render as a document (and so run as the platform) is never shown
# inline: these types are downloaded. Everything else is a subresource of the player. Every
# file also carries ``CSP: sandbox``, so even a file opened on its own runs in an opaque origin.
ATTACHMENT_EXTENSIONS = frozenset(
    "pdf xml rtf doc docx xls xlsx ppt pptx odt ods odp csv diff patch textile".split()
)
FILE_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
# The sandboxed player page: scripts run, but in an opaque origin (no allow-same-origin), so
# nothing it runs reaches the platform's cookies, storage or DOM.
PLAYER_SANDBOX = "allow-scripts allow-forms allow-popups allow-downloads"


def _etag(storage, stored_path: str) -> str:
    """A validator that changes whenever the stored file does (path, size, modification)."""
    stamp = f"{stored_path}|{storage.size(stored_path)}|{storage.get_modified_time(stored_path)}"
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'


def _serve(request, stored_path: str, max_age: int):
    """The stored file (after the caller's token check), or 304 Not Modified when the
    browser's copy (If-None-Match) is still the stored one; the same security headers on
    both."""
    storage = private_storage()
    if not storage.exists(stored_path):
        raise Http404
    name = stored_path.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = MIME_TYPES.get(ext) or "application/octet-stream"
    attachment = ext in ATTACHMENT_EXTENSIONS or content_type == "application/octet-stream"
    if attachment and ext in ATTACHMENT_EXTENSIONS:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    etag = _etag(storage, stored_path)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = FileResponse(
            storage.open(stored_path, "rb"),
            content_type=content_type,
            as_attachment=attachment,
            filename=name,
        )
        if not attachment:
            response.headers.pop("Content-Disposition", None)
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"private, max-age={max_age}"
    response["Content-Security-Policy"] = FILE_CSP
    # Requested by the sandboxed (opaque-origin) player: readable cross-origin, without
    # credentials; the token in the URL is the capability.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _token_activity(token: str) -> H5PActivity:
    data = file_token_read(token, max_age=h5p_settings()["FILE_TOKEN_SECONDS"])
    if data is None:
        raise PermissionDenied
    activity = get_object_or_404(H5PActivity.objects.select_related("package"), pk=data["a"])
    if not h5p_activity_playable(activity=activity):
        raise Http404
    return activity


@require_GET
def activity_iri(request, lesson_id, key):
    """The xAPI object id of an activity: opening it leads to its lesson."""
    activity = _activity_for(request, lesson_id, key)
    lesson = lesson_for_id(int(lesson_id)) if int(lesson_id) else None
    if lesson is None:
        raise Http404(activity.key)
    return HttpResponseRedirect(lesson.specific.url)


@xframe_options_sameorigin
@require_GET
def player(request, lesson_id, key):
    """The player page, framed by the lesson and served as a sandbox (opaque origin)."""
    lesson_id = int(lesson_id)
    preview = request.GET.get("preview") == "1"
    activity = get_object_or_404(H5PActivity.objects.select_related("package"), key=key)
    if not h5p_activity_playable(activity=activity):
        raise Http404
    if preview:
        allowed = activity_previewable_in_lesson(
            user=request.user, activity=activity, lesson_id=lesson_id
        )
    else:
        allowed = activity_playable_in_lesson(
            user=request.user, activity=activity, lesson_id=lesson_id
        )
    if not allowed:
        raise PermissionDenied
    if not preview and lesson_id:
        h5p_play_record(user=request.user, activity=activity, lesson_id=lesson_id)
    token = file_token_make(
        user=request.user, activity=activity, lesson_id=lesson_id, preview=preview
    )
    files_base = reverse("h5p:files_h5p_json", kwargs={"token": token}).rsplit("/", 1)[0]
    options = h5p_player_options(
        activity=activity,
        lesson_id=lesson_id,
        user=None if preview else request.user,
        files_base=files_base,
        language=request.GET.get("lang"),
    )
    response = render(
        request,
        "h5p/player.html",
        {
            "activity": activity,
            "options": options,
            "bridge": {"parentOrigin": f"{request.scheme}://{request.get_host()}"},
            "direction": "rtl" if activity.is_rtl else "ltr",
        },
    )
    response["Content-Security-Policy"] = (
        f"sandbox {PLAYER_SANDBOX}; default-src 'self'; script-src 'self' 'unsafe-eval'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
        "media-src 'self' data: blob:; connect-src 'self' data:; frame-src 'none'; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def files_h5p_json(request, token):
    activity = _token_activity(token)
    return _serve(
        request,
        f"{activity.package.content_path}/h5p.json",
        h5p_settings()["CONTENT_CACHE_SECONDS"],
    )


@require_GET
def files_content(request, token, path):
    activity = _token_activity(token)
    return _serve(
        request,
        f"{activity.package.content_path}/content/{_safe(path)}",
        h5p_settings()["CONTENT_CACHE_SECONDS"],
    )


@require_GET
def files_library(request, token, folder, path):
    activity = _token_activity(token)
    library = next(
        (lib for lib in activity.package.libraries.all() if lib.folder_name == folder), None
    )
    if library is None:
        raise Http404
    if library.is_blocked:
        raise PermissionDenied
    return _serve(
        request, f"{library.storage_path}/{_safe(path)}", h5p_settings()["LIBRARY_CACHE_SECONDS"]
    )


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

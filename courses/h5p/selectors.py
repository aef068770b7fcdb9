"""Reads for H5P: player configuration, access checks, libraries and results."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import H5PActivity, H5PContentUserData, H5PLibrary, H5PPackage
from .player_l10n import player_translations

H5P_DEFAULTS = {
    "MAX_UPLOAD_BYTES": 50 * 1024 * 1024,
    "MAX_UNCOMPRESSED_BYTES": 200 * 1024 * 1024,
    "MAX_FILES": 2000,
    "MAX_COMPRESSION_RATIO": 100,
    "MAX_USER_DATA_BYTES": 64 * 1024,
    "SAVE_FREQ_SECONDS": 30,
    "CONTENT_CACHE_SECONDS": 3600,
    "LIBRARY_CACHE_SECONDS": 86400,
    "PLAYER_STATIC_PREFIX": "h5p-standalone",
}


def h5p_settings() -> dict:
    """The H5P limits and player paths, read when called: defaults, then ``settings.H5P``."""
    return {**H5P_DEFAULTS, **getattr(settings, "H5P", {})}


def h5p_player_context(*, activity: H5PActivity | None, request=None, page=None) -> dict | None:
    """What the block template needs to start the player, or None if nothing can be played."""
    if activity is None or activity.package.status != H5PPackage.Status.READY:
        return None
    if not h5p_activity_playable(activity=activity):
        return {"unavailable": _("This activity is unavailable: it uses a blocked library.")}
    lesson_id = 0
    if page is not None and getattr(page, "pk", None):
        lesson_id = _canonical_page_id(page)
    base = reverse("h5p:play_root", kwargs={"lesson_id": lesson_id, "key": activity.key})
    base = base.rstrip("/")
    conf = h5p_settings()
    prefix = conf["PLAYER_STATIC_PREFIX"]
    options = {
        "id": f"{activity.key}-{lesson_id}",
        "h5pJsonPath": base,
        "contentJsonPath": f"{base}/content",
        "librariesPath": f"{base}/libraries",
        "frameJs": static(f"{prefix}/frame.bundle.js"),
        "frameCss": static(f"{prefix}/styles/h5p.css"),
        "frame": False,
        "copyright": False,
        "export": False,
        "icon": False,
        "fullScreen": False,
        "customJs": [static("h5p/h5p-integration.js")],
        "translations": player_translations(activity.language),
        "xAPIObjectIRI": h5p_object_id(activity=activity, lesson_id=lesson_id, request=request),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        options["saveFreq"] = conf["SAVE_FREQ_SECONDS"]
        options["ajax"] = {
            "contentUserDataUrl": reverse(
                "h5p:user_data", kwargs={"lesson_id": lesson_id, "key": activity.key}
            )
            + "?dataType=:dataType&subContentId=:subContentId"
        }
        # H5P core reads the resume state synchronously at start: it must be preloaded here
        # (contentUserData[subContentId][dataType]); later saves go to contentUserDataUrl.
        saved = user_data_for(user=user, activity=activity)
        if saved is not None:
            options["contentUserData"] = [{"state": saved.data}]
        options["user"] = {
            "name": user.get_full_name() or user.get_username(),
            "mail": f"{user.pk}@users.academie.invalid",
        }
    return {
        "activity": activity,
        "options": options,
        "dom_id": f"h5p-{activity.key}-{lesson_id}",
        "options_id": f"h5p-{activity.key}-{lesson_id}-options",
        "language": activity.language,
        "direction": "rtl" if activity.is_rtl else "ltr",
        "player_js": static(f"{prefix}/main.bundle.js"),
        "xapi_endpoint": "/api/xapi/statements",
    }


def h5p_activity_for_key(*, key: str, language: str) -> H5PActivity | None:
    """The activity ``<key>-<language>`` when it exists (e.g. demo-registry-ar), else ``<key>``:
    lets a content loader pick each translation's activity from one key."""
    found = {a.key: a for a in H5PActivity.objects.filter(key__in=[f"{key}-{language}", key])}
    return found.get(f"{key}-{language}") or found.get(key)


def h5p_activity_playable(*, activity: H5PActivity) -> bool:
    """Ready, and none of the libraries it needs has been blocked since it was imported."""
    package = activity.package
    if package.status != H5PPackage.Status.READY:
        return False
    return not package.libraries.filter(is_blocked=True).exists()


def h5p_object_id(*, activity: H5PActivity, lesson_id: int, request=None) -> str:
    """The xAPI object id of an activity played in a lesson (stable, site-absolute)."""
    path = reverse("h5p:activity_iri", kwargs={"lesson_id": lesson_id, "key": activity.key})
    base = getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def _canonical_page_id(page) -> int:
    try:
        from courses.selectors import page_canonical
    except ImportError:  # courses not there yet: the page itself
        return page.pk
    return page_canonical(page).pk


def library_for(*, machine_name: str, major: int, minor: int) -> H5PLibrary | None:
    return H5PLibrary.objects.filter(
        machine_name=machine_name, major_version=major, minor_version=minor
    ).first()


def user_data_for(*, user, activity: H5PActivity, data_type="state", sub_content_id="0"):
    return H5PContentUserData.objects.filter(
        user=user, activity=activity, data_type=data_type, sub_content_id=sub_content_id
    ).first()

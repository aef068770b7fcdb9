"""Reads for H5P: player configuration, access checks, libraries and results."""

from urllib.parse import urlencode

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
    # The H5P core API the bundled player implements (h5p-standalone 3.8 ships H5P core
    # 1.27): a library that needs a newer core is refused at import.
    "PLAYER_CORE_API": (1, 27),
    # Lifetime of the signed file URLs given to a player page.
    "FILE_TOKEN_SECONDS": 6 * 3600,
    # An H5P result counts only if the player was served to the learner in that lesson at
    # least this long before.
    "MIN_SECONDS_BEFORE_RESULT": 1,
}


def h5p_settings() -> dict:
    """The H5P limits and player paths, read when called: defaults, then ``settings.H5P``."""
    return {**H5P_DEFAULTS, **getattr(settings, "H5P", {})}


def h5p_player_context(*, activity: H5PActivity | None, request=None, page=None) -> dict | None:
    """What the block template needs to frame the sandboxed player, or None if nothing can be
    played. The activity is the version in the page's language when there is one."""
    if activity is None:
        return None
    lesson_id = 0
    if page is not None and getattr(page, "pk", None):
        lesson_id = _canonical_page_id(page)
    language = getattr(getattr(page, "locale", None), "language_code", None)
    if language and lesson_id and lesson_id != page.pk:
        # A translation of the lesson: its copied body still names the source's activity.
        activity = h5p_activity_for_language(activity=activity, language=language)
    if activity.package.status != H5PPackage.Status.READY:
        return None
    if not h5p_activity_playable(activity=activity):
        return {"unavailable": _("This activity is unavailable: it uses a blocked library.")}
    preview = bool(getattr(request, "is_preview", False))
    kwargs = {"lesson_id": lesson_id, "key": activity.key}
    # The player's own strings (H5P core's) follow the lesson's language.
    query = {"lang": ui_language(language or activity.language)}
    if preview:
        query["preview"] = "1"
    player_url = reverse("h5p:player", kwargs=kwargs) + "?" + urlencode(query)
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "activity": activity,
        "dom_id": f"h5p-{activity.key}-{lesson_id}",
        "bridge_id": f"h5p-{activity.key}-{lesson_id}-bridge",
        "language": activity.language,
        "direction": "rtl" if activity.is_rtl else "ltr",
        "player_url": player_url,
        "frame_title": _("Interactive activity: %(title)s") % {"title": activity.title},
        "preview": preview,
        # The parent page posts for the sandboxed frame (which has no cookies).
        "bridge": {
            "xapiEndpoint": "/api/xapi/statements",
            "xapiObject": h5p_object_id(activity=activity, lesson_id=lesson_id, request=request),
            "userDataUrl": reverse("h5p:user_data", kwargs=kwargs)
            + "?dataType=state&subContentId=0",
            "saveFreq": h5p_settings()["SAVE_FREQ_SECONDS"],
            "maxStateBytes": h5p_settings()["MAX_USER_DATA_BYTES"],
            "record": signed_in and not preview and bool(lesson_id),
        },
    }


NO_USER_DATA_URL = 'data:application/json,{"success":true,"data":false}'


def ui_language(code: str | None) -> str:
    """A language of the site's interface (``settings.LANGUAGES``), else the default one."""
    codes = {c for c, _name in settings.LANGUAGES}
    code = (code or "").split("-")[0].lower()
    return code if code in codes else settings.LANGUAGE_CODE.split("-")[0]


def h5p_player_options(
    *, activity: H5PActivity, lesson_id: int, user, files_base: str, language: str | None = None
) -> dict:
    """The h5p-standalone options of the sandboxed player page. Files come from
    ``files_base`` (a token URL): the sandboxed frame sends no cookies. ``language`` is the
    lesson's: H5P core's own strings (buttons, dialogs) are shown in it."""
    conf = h5p_settings()
    prefix = conf["PLAYER_STATIC_PREFIX"]
    options = {
        "id": f"{activity.key}-{lesson_id}",
        "h5pJsonPath": files_base,
        "contentJsonPath": f"{files_base}/content",
        "librariesPath": f"{files_base}/libraries",
        "frameJs": static(f"{prefix}/frame.bundle.js"),
        "frameCss": static(f"{prefix}/styles/h5p.css"),
        # The player page is itself the sandboxed frame: no second, same-origin iframe.
        "embedType": "div",
        "frame": False,
        "copyright": False,
        "export": False,
        "icon": False,
        "fullScreen": False,
        "assetsRequestFetchOptions": {"credentials": "omit"},
        "translations": player_translations(ui_language(language or activity.language)),
        "xAPIObjectIRI": h5p_object_id(activity=activity, lesson_id=lesson_id),
    }
    if user is not None and user.is_authenticated:
        # H5P core reads the resume state synchronously at start: it is preloaded here;
        # saves go through the parent page (postMessage bridge), never from the frame.
        saved = user_data_for(user=user, activity=activity)
        if saved is not None:
            options["contentUserData"] = [{"state": saved.data}]
        # The sandbox has no session: H5P core's own user-data requests get a local "nothing
        # saved" answer; the real saves go through the lesson page (postMessage bridge).
        options["ajax"] = {"contentUserDataUrl": NO_USER_DATA_URL}
        # H5P core restores a saved state only when saveFreq is set; its own periodic saves
        # would go to the URL above, so they are made (almost) never.
        options["saveFreq"] = 86400
        options["user"] = {
            "name": user.get_full_name() or user.get_username(),
            "mail": f"{user.pk}@users.academie.invalid",
        }
    return options


def activity_family_keys(key: str) -> set[str]:
    """The keys an activity's versions in the site's languages may have: ``<base>`` and
    ``<base>-<language>`` (e.g. demo-registry, demo-registry-ar)."""
    codes = [code for code, _name in settings.LANGUAGES]
    base = key
    for code in codes:
        if key.endswith(f"-{code}"):
            base = key[: -len(code) - 1]
            break
    return {base} | {f"{base}-{code}" for code in codes}


def h5p_activity_for_language(*, activity: H5PActivity, language: str) -> H5PActivity:
    """The version of ``activity`` in ``language`` when one exists (same base key), else
    ``activity`` itself: a translated lesson plays the activity in its own language."""
    if activity.language == language:
        return activity
    candidates = H5PActivity.objects.select_related("package").filter(
        key__in=activity_family_keys(activity.key), language=language
    )
    ready = [a for a in candidates if a.package.status == H5PPackage.Status.READY]
    return ready[0] if ready else activity


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
    from courses.selectors import page_canonical

    return page_canonical(page).pk


def library_for(*, machine_name: str, major: int, minor: int) -> H5PLibrary | None:
    return H5PLibrary.objects.filter(
        machine_name=machine_name, major_version=major, minor_version=minor
    ).first()


def user_data_for(*, user, activity: H5PActivity, data_type="state", sub_content_id="0"):
    return H5PContentUserData.objects.filter(
        user=user, activity=activity, data_type=data_type, sub_content_id=sub_content_id
    ).first()


def h5p_import_report_lines(report: dict | None) -> list[str]:
    """An import report (``H5PPackage.import_report``) as sentences in the active language:
    libraries added, upgraded and reused, files left out and ignored, each with why."""
    report = report or {}
    lines = []
    for key, text in (
        ("added", _("Library added: %(lib)s")),
        ("upgraded", _("Library upgraded: %(lib)s")),
        ("reused", _("Library already installed, reused: %(lib)s")),
    ):
        lines += [text % {"lib": lib} for lib in report.get(key) or []]
    for item in report.get("left_out") or []:
        if item.get("reason") == "svg":
            why = _("SVG images with scripts, event handlers or external entities are not served")
        else:
            why = _("files of type .%(ext)s are not served by this platform, for safety") % {
                "ext": item.get("ext") or "?"
            }
        lines.append(
            _("File left out: %(file)s (%(why)s)") % {"file": item.get("file", ""), "why": why}
        )
    for item in report.get("ignored") or []:
        lines.append(
            _(
                "File ignored: %(file)s (only h5p.json, content/ and library folders are read "
                "at the top of a package, as in H5P)"
            )
            % {"file": item.get("file", "")}
        )
    return lines

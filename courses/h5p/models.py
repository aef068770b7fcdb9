"""H5P packages, the shared library store, activities (snippets), results and resume state."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class H5PLibrary(models.Model):
    """One stored copy of a library, per machineName-major.minor; the patch is the one kept."""

    machine_name = models.CharField(_("machine name"), max_length=127)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"))
    title = models.CharField(_("title"), max_length=255, blank=True)
    runnable = models.BooleanField(_("runnable"), default=False)
    metadata = models.JSONField(_("library.json"), default=dict)
    # Paths inside the library folder, in load order.
    preloaded_js = models.JSONField(default=list, blank=True)
    preloaded_css = models.JSONField(default=list, blank=True)
    storage_path = models.CharField(max_length=255, editable=False)
    is_blocked = models.BooleanField(
        _("blocked"),
        default=False,
        help_text=_("Packages that need a blocked library version are refused."),
    )
    allow_patch_upgrade = models.BooleanField(
        _("allow patch upgrades"),
        default=False,
        help_text=_("Replace this copy when a package brings a newer patch version."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"],
                name="h5p_library_unique_minor",
            )
        ]

    def __str__(self):
        return f"{self.machine_name} {self.version}"

    @property
    def version(self):
        return f"{self.major_version}.{self.minor_version}.{self.patch_version}"

    @property
    def folder_name(self):
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"


class H5PPackage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        HELD = "held", _("Awaiting library approval")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    main_library = models.CharField(_("main library"), max_length=127, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    source_name = models.CharField(_("uploaded file"), max_length=255, blank=True)
    source_path = models.CharField(max_length=255, blank=True, editable=False)
    # SHA-256 of the uploaded file: the same file uploaded again reuses this package.
    sha256 = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    errors = models.JSONField(_("errors"), default=list, blank=True)
    import_report = models.JSONField(_("libraries added or reused"), default=dict, blank=True)
    h5p_json = models.JSONField(default=dict, blank=True)
    content_path = models.CharField(max_length=255, blank=True, editable=False)
    libraries = models.ManyToManyField(
        H5PLibrary, related_name="packages", blank=True, verbose_name=_("libraries")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # New libraries (new JavaScript) are installed only with an administrator's approval.
    new_libraries = models.JSONField(_("new libraries to approve"), default=list, blank=True)
    libraries_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("libraries approved by"),
    )
    libraries_approved_at = models.DateTimeField(_("libraries approved at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class H5PActivity(index.Indexed, models.Model):
    """A reusable H5P activity, chosen into lesson bodies as a snippet."""

    title = models.CharField(_("title"), max_length=255)
    key = models.SlugField(
        _("key"), max_length=100, unique=True, help_text=_("Stable identifier, e.g. demo-phishing.")
    )
    package = models.ForeignKey(
        H5PPackage, on_delete=models.PROTECT, related_name="activities", verbose_name=_("package")
    )
    language = models.CharField(
        _("content language"),
        max_length=16,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("Sets the direction of the player: Arabic content is shown right to left."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("title"), FieldPanel("key"), FieldPanel("package"), FieldPanel("language")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("H5P activity")
        verbose_name_plural = _("H5P activities")
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def is_rtl(self):
        return self.language.split("-")[0] in {"ar", "he", "fa", "ur"}


class H5PResult(models.Model):
    """One scored attempt reported by the player (client-reported: computed in the browser)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="h5p_results"
    )
    activity = models.ForeignKey(H5PActivity, on_delete=models.CASCADE, related_name="results")
    lesson = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statement_id = models.UUIDField(null=True, blank=True, unique=True)
    verb = models.CharField(max_length=255, blank=True)
    score_raw = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    score_min = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    score_max = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    score_scaled = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    success = models.BooleanField(null=True)
    completion = models.BooleanField(null=True)
    client_reported = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("H5P result")
        verbose_name_plural = _("H5P results")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "activity"])]

    def __str__(self):
        return f"{self.user} · {self.activity} · {self.score_scaled}"


class H5PContentUserData(models.Model):
    """Resume state saved by the player, per user, activity and data id."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="h5p_user_data"
    )
    activity = models.ForeignKey(H5PActivity, on_delete=models.CASCADE, related_name="user_data")
    data_type = models.CharField(max_length=64, default="state")
    sub_content_id = models.CharField(max_length=64, default="0")
    data = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity", "data_type", "sub_content_id"],
                name="h5p_user_data_unique",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.activity} · {self.data_type}"


class H5PPlay(models.Model):
    """The player was served to a user in a lesson: the evidence an H5P result needs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(H5PActivity, on_delete=models.CASCADE, related_name="plays")
    lesson = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    first_served_at = models.DateTimeField()
    last_served_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "activity", "lesson"], name="h5p_play_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.activity} · {self.lesson_id}"

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    FRENCH = "fr", "Français"
    ARABIC = "ar", "العربية"


class Group(models.TextChoices):
    """Names of the auth groups that carry each role's permissions."""

    TRAINERS = "Trainers"
    REVIEWERS = "Reviewers"
    PLATFORM_ADMINS = "Platform admins"


class User(AbstractUser):
    """A civil servant (or a platform account).

    ``first_name``/``last_name`` are the names in Latin script; the Arabic-script
    names sit beside them. Both go on certificates.
    """

    matricule = models.CharField(
        _("employee number (matricule)"), max_length=32, unique=True, null=True, blank=True
    )
    first_name_ar = models.CharField(_("first name (Arabic script)"), max_length=150, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic script)"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territorial unit of employment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    unit_since = models.DateField(_("in this unit since"), null=True, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["job_title"])]

    @property
    def full_name_latin(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.username

    @property
    def full_name_arabic(self) -> str:
        return f"{self.first_name_ar} {self.last_name_ar}".strip()

    def get_full_name(self) -> str:
        return self.full_name_latin

    @property
    def display_name(self) -> str:
        """The name in the script of the active language (Arabic script on Arabic pages)."""
        if (get_language() or "").startswith("ar") and self.full_name_arabic:
            return self.full_name_arabic
        return self.full_name_latin


class HRScope(models.Model):
    """Makes a user an HR officer of one unit and everything below it, or of the country."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="hr_scope")
    unit = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("unit (empty: national)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hr_officers",
    )

    class Meta:
        verbose_name = _("HR scope")
        verbose_name_plural = _("HR scopes")

    def __str__(self):
        return f"{self.user} → {self.unit or _('national')}"


class UnitMove(models.Model):
    """History of a learner's units: moves between units keep their date."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="unit_moves")
    from_unit = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moved_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["moved_on", "id"]

    def __str__(self):
        return f"{self.user}: {self.from_unit or '—'} → {self.to_unit or '—'} ({self.moved_on})"

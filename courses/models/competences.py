"""DigComp 2.2 reference data: 5 areas, 21 competences, named in French and Arabic."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class _Bilingual(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "fr")[:2] == "ar" else self.name_fr


class CompetenceArea(_Bilingual):
    class Meta(_Bilingual.Meta):
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")


class Competence(_Bilingual):
    area = models.ForeignKey(
        CompetenceArea,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="competences",
    )

    class Meta(_Bilingual.Meta):
        verbose_name = _("competence")
        verbose_name_plural = _("competences")

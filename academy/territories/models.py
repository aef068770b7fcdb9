from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    REGION = "region", _("Region")
    PREFECTURE = "prefecture", _("Prefecture")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class Kind(models.TextChoices):
    NONE = "", "—"
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


# Depth in the tree of each level: regions are roots.
LEVEL_DEPTH = {
    Level.REGION: 1,
    Level.PREFECTURE: 2,
    Level.PROVINCE: 2,
    Level.COMMUNE: 3,
}


class TerritoryQuerySet(MP_NodeQuerySet):
    """The subtree rule, written once (like Wagtail's ``PageQuerySet.descendant_of_q``)."""

    @staticmethod
    def descendant_of_q(unit: "Territory", *, field: str = "", inclusive: bool = True) -> Q:
        """Rows whose unit is ``unit`` or below it: a filter on Territory itself
        (``field=""``) or on any model through a foreign key to a unit (``field="unit"``,
        ``"user__unit"``); one indexed prefix test on the materialised path."""
        prefix = f"{field}__" if field else ""
        q = Q(**{f"{prefix}path__startswith": unit.path})
        if not inclusive:
            q &= ~Q(**{f"{prefix}pk": unit.pk})
        return q

    def descendant_of(self, unit: "Territory", *, inclusive: bool = True):
        return self.filter(self.descendant_of_q(unit, inclusive=inclusive))


class TerritoryManager(MP_NodeManager.from_queryset(TerritoryQuerySet)):
    def get_queryset(self):
        return TerritoryQuerySet(self.model, using=self._db).order_by("path")


def territory_includes(root: "Territory", unit: "Territory") -> bool:
    """The same rule on two loaded units: ``unit`` is ``root`` or below it."""
    return unit.path.startswith(root.path)


class Territory(MP_Node):
    """A territorial collectivity: region, prefecture/province or commune.

    The materialised path (``path``) makes "this unit and everything below it"
    one indexed prefix query. ``parent`` repeats the tree edge as a foreign key
    so that joins and admin filters stay simple; the loader keeps both in step.
    """

    code = models.CharField(_("HCP code"), max_length=20, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, blank=True, default="")
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    population_2014 = models.PositiveIntegerField(
        _("population (RGPH 2014)"), null=True, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children_units",
    )

    node_order_by = None

    objects = TerritoryManager()

    class Meta:
        verbose_name = _("territorial unit")
        verbose_name_plural = _("territorial units")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["level"]),
            models.Index(fields=["name_fr"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        """The name in the active language, falling back to French."""
        if (get_language() or "").startswith("ar") and self.name_ar:
            return self.name_ar
        return self.name_fr

    @property
    def level_label(self) -> str:
        return self.get_level_display()

"""Declarative export of a unit's maturity: one row per unit of the scope, each with the
figures of its whole subtree (``hr.exporters.Exporter``; formula-safe writers of
``hr.spreadsheet``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.territories.models import Territory
from hr.exporters import Column, Exporter, _level_labels

from .maturity import Maturity, area_codes
from .models import ConnectionQuality
from .selectors import _staff_by_unit, latest_indicators, stored_maturity


def _yes_no(value):
    if value is None:
        return ""
    return str(pgettext_lazy("indicator", "yes") if value else pgettext_lazy("indicator", "no"))


class MaturityExporter(Exporter):
    name = "maturity"
    label = _("Digital maturity by unit")

    @property
    def columns(self):
        areas = [
            Column(f"area_{a}", _("Area %(area)s: average score (%%)") % {"area": a})
            for a in area_codes()
        ]
        foundation = [
            Column(f"foundation_{a}", _("Area %(area)s: at foundation level (%%)") % {"area": a})
            for a in area_codes()
        ]
        return (
            Column("code", _("Unit code")),
            Column("level", _("Level")),
            Column("name_fr", _("Unit (French)")),
            Column("name_ar", _("Unit (Arabic)")),
            Column("staff", _("Staff registered")),
            Column("diagnosed", _("Staff diagnosed")),
            Column("share", _("Share diagnosed (%)")),
            *areas,
            *foundation,
            Column("weakest", _("Weakest competence")),
            Column("indicators_on", _("Indicators stated on")),
            Column("digital_registry", _("Digital civil registry office")),
            Column("e_signature", _("Electronic signature holder")),
            Column("complaints_portal", _("National complaints portal")),
            Column("online_appointments", _("Online appointments")),
            Column("email", _("Staff with a professional e-mail (%)")),
            Column("connection", _("Connection quality")),
        )

    def queryset(self, *, scope, filters=None):
        return scope.units().order_by("path")

    def count(self, *, scope, filters=None):
        return self.queryset(scope=scope).count()

    def rows(self, *, scope, filters=None, typed=False):
        levels = _level_labels()
        quality = dict(ConnectionQuality.choices)
        units = list(
            self.queryset(scope=scope).values_list(
                "id", "path", "code", "level", "name_fr", "name_ar"
            )
        )
        by_path = stored_maturity(scope=scope)
        stored = {uid: by_path[path] for uid, path, *_r in units if path in by_path}
        staff = _staff_by_unit(scope)
        indicators = latest_indicators(unit_ids=[u[0] for u in units])
        steplen = Territory.steplen
        subtree = {path: [Maturity(), 0] for _id, path, *_r in units}
        for unit_id, path, *_r in units:
            m, n = stored.get(unit_id), staff.get(unit_id, 0)
            if m is None and not n:
                continue
            for end in range(steplen, len(path) + 1, steplen):
                target = subtree.get(path[:end])
                if target is not None:
                    if m is not None:
                        target[0].add(m)
                    target[1] += n
        for unit_id, path, code, level, name_fr, name_ar in units:
            m, n = subtree[path]
            share = round(100 * min(m.diagnosed, n) / n, 1) if n else ""
            weakest = m.weakest(1)
            ind = indicators.get(unit_id)
            yield [
                code,
                levels.get(level, level),
                name_fr,
                name_ar,
                n,
                m.diagnosed,
                share,
                *(_blank(m.area_average(a)) for a in area_codes()),
                *(_blank(m.area_shares(a)[0]) for a in area_codes()),
                weakest[0][0] if weakest else "",
                ind.recorded_on.isoformat() if ind else "",
                _yes_no(ind.digital_registry if ind else None),
                _yes_no(ind.e_signature if ind else None),
                _yes_no(ind.complaints_portal if ind else None),
                _yes_no(ind.online_appointments if ind else None),
                ind.professional_email_percent if ind else "",
                str(quality.get(ind.connection_quality, "")) if ind else "",
            ]


def _blank(value):
    return "" if value is None else value


MATURITY_EXPORTER = MaturityExporter()

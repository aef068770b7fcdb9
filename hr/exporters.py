"""Declarative exporters: each declares its name, label and columns, and yields rows.

Rows come from a queryset already limited to a ``Scope`` (so to what the person may
see), read with ``values_list(...).iterator()`` so that memory stays flat whatever
the number of rows. ``export_rows`` is the one generic runner used by the streamed
CSV, the XLSX task, the command and the tests.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import CharField, Func, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.territories.models import Territory

from .selectors import (
    ATTRIBUTION_CURRENT,
    Figures,
    Scope,
    StatsFilters,
    certificate_model,
    enrollments_in_scope,
    figures_by_unit_served,
)

CHUNK = 5000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    source: str | None = None  # a values_list path; None: computed by the exporter
    format: Callable | None = None


class LocalDateTimeText(Func):
    """A timestamp as "YYYY-MM-DD HH:MM" in the site's time zone, formatted by PostgreSQL.

    Parsing timestamps into Python objects costs more than everything else in a large
    export; text comes through the driver's C loader as is.
    """

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):  # pragma: no cover - PostgreSQL only
        raise NotImplementedError("LocalDateTimeText is used on PostgreSQL only")

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char(({sql}) AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')", (*params, settings.TIME_ZONE)


def _datetime(value):
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class Exporter:
    name: str = ""
    label = ""
    columns: tuple[Column, ...] = ()
    chunk_size = CHUNK

    def queryset(self, *, scope: Scope, filters: StatsFilters) -> QuerySet:
        raise NotImplementedError

    def header(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def count(self, *, scope: Scope, filters: StatsFilters) -> int:
        return self.queryset(scope=scope, filters=filters).count()

    def rows(self, *, scope: Scope, filters: StatsFilters) -> Iterator[tuple]:
        qs = self.queryset(scope=scope, filters=filters)
        sources: list = [c.source for c in self.columns]
        formats = [(i, c.format) for i, c in enumerate(self.columns) if c.format]
        if connections[qs.db].vendor == "postgresql":
            # Timestamps are formatted by the database (see LocalDateTimeText).
            annotations = {}
            for i, column in enumerate(self.columns):
                if column.format is _datetime:
                    annotations[f"_text_{i}"] = LocalDateTimeText(column.source)
                    sources[i] = f"_text_{i}"
            qs = qs.annotate(**annotations)
            formats = [(i, fmt) for i, fmt in formats if fmt is not _datetime]
        qs = qs.values_list(*sources)
        if not formats:
            yield from qs.iterator(chunk_size=self.chunk_size)
            return
        for row in qs.iterator(chunk_size=self.chunk_size):
            row = list(row)
            for i, fmt in formats:
                row[i] = fmt(row[i])
            yield row


REGISTRY: dict[str, Exporter] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    REGISTRY[cls.name] = cls()
    return cls


def exporter_get(name: str) -> Exporter:
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown exporter {name!r}; choose one of {', '.join(sorted(REGISTRY))}") from None


def exporter_choices() -> list[tuple[str, str]]:
    return [(name, exporter.label) for name, exporter in REGISTRY.items()]


def export_rows(*, exporter: Exporter, scope: Scope, filters: StatsFilters) -> Iterator:
    """The header, then every row."""
    yield exporter.header()
    yield from exporter.rows(scope=scope, filters=filters)


LEARNER_COLUMNS = (
    Column("matricule", _("Matricule"), "user__matricule"),
    Column("last_name", _("Last name"), "user__last_name"),
    Column("first_name", _("First name"), "user__first_name"),
    Column("last_name_ar", _("Last name (Arabic)"), "user__last_name_ar"),
    Column("first_name_ar", _("First name (Arabic)"), "user__first_name_ar"),
    Column("job_title", _("Job title"), "user__job_title"),
)


@register
class LearnerProgressExporter(Exporter):
    name = "learner_progress"
    label = _("Learner progress")
    columns = (
        *LEARNER_COLUMNS,
        Column("unit_code", _("Unit code"), "user__unit__code"),
        Column("unit_name_fr", _("Unit (French)"), "user__unit__name_fr"),
        Column("unit_name_ar", _("Unit (Arabic)"), "user__unit__name_ar"),
        Column("course", _("Course"), "course__title"),
        Column("status", _("Status"), "status"),
        Column("enrolled_at", _("Enrolled at"), "enrolled_at", _datetime),
        Column("progress_percent", _("Progress (%)"), "progress_percent"),
        Column("last_activity_at", _("Last activity"), "last_activity_at", _datetime),
        Column("final_score", _("Final score (%)"), "final_score"),
    )

    def queryset(self, *, scope, filters):
        qs = enrollments_in_scope(scope=scope, filters=dataclasses.replace(filters, attribution=ATTRIBUTION_CURRENT))
        return qs.filter(filters.period_q("enrolled_at")).order_by("user__unit__code", "user__last_name", "id")


@register
class CompletionsExporter(Exporter):
    name = "completions"
    label = _("Completions")
    columns = (
        *LEARNER_COLUMNS,
        Column("unit_code", _("Unit at completion (code)"), "unit_at_completion__code"),
        Column("unit_name_fr", _("Unit at completion (French)"), "unit_at_completion__name_fr"),
        Column("unit_name_ar", _("Unit at completion (Arabic)"), "unit_at_completion__name_ar"),
        Column("course", _("Course"), "course__title"),
        Column("enrolled_at", _("Enrolled at"), "enrolled_at", _datetime),
        Column("completed_at", _("Completed at"), "completed_at", _datetime),
        Column("final_score", _("Final score (%)"), "final_score"),
    )

    def queryset(self, *, scope, filters):
        qs = enrollments_in_scope(scope=scope, filters=filters).filter(status="completed")
        # Unordered on purpose: sorting every completion of the country costs more than
        # the rest of the export; spreadsheets sort by any column.
        return qs.filter(filters.period_q("completed_at")).order_by()


@register
class CertificatesExporter(Exporter):
    name = "certificates"
    label = _("Certificates")
    columns = (
        Column("serial", _("Serial number"), "serial"),
        Column("status", _("Status"), "status"),
        Column("issued_at", _("Issued at"), "issued_at", _datetime),
        *(
            Column(c.key, c.label, f"enrollment__{c.source}")
            for c in LEARNER_COLUMNS
        ),
        Column("unit_code", _("Unit at completion (code)"), "enrollment__unit_at_completion__code"),
        Column("course", _("Course"), "enrollment__course__title"),
        Column("uuid", _("Verification code"), "uuid", str),
    )

    def queryset(self, *, scope, filters):
        qs = certificate_model().objects.filter(scope.attributed_q("enrollment__", filters.attribution))
        if filters.course_id:
            qs = qs.filter(enrollment__course_id=filters.course_id)
        if filters.job_title:
            qs = qs.filter(enrollment__user__job_title=filters.job_title)
        return qs.filter(filters.period_q("issued_at")).order_by("issued_at", "id")


@register
class UnitSummaryExporter(Exporter):
    """One row per unit of the scope, each with the figures of its whole subtree."""

    name = "unit_summary"
    label = _("Unit summary")
    columns = (
        Column("code", _("Unit code"), "code"),
        Column("level", _("Level"), "level"),
        Column("name_fr", _("Unit (French)"), "name_fr"),
        Column("name_ar", _("Unit (Arabic)"), "name_ar"),
        Column("staff", _("Staff registered")),
        Column("enrolled_learners", _("Learners enrolled")),
        Column("active_learners", _("Active in the last 30 days")),
        Column("enrolments", _("Enrolments")),
        Column("completions", _("Completions")),
        Column("completion_rate", _("Completion rate (%)")),
        Column("average_final_score", _("Average final score (%)")),
        Column("certificates", _("Certificates issued")),
    )

    def queryset(self, *, scope, filters):
        return scope.units().order_by("path")

    def rows(self, *, scope, filters):
        per_unit, _as_of = figures_by_unit_served(scope=scope, filters=filters)
        units = list(self.queryset(scope=scope, filters=filters).values_list("id", "path", "code", "level", "name_fr", "name_ar"))
        steplen = Territory.steplen
        subtree: dict[str, Figures] = {path: Figures() for _id, path, *_rest in units}
        for unit_id, path, *_rest in units:
            own = per_unit.get(unit_id)
            if own is None:
                continue
            for end in range(steplen, len(path) + 1, steplen):
                target = subtree.get(path[:end])
                if target is not None:
                    target.add(own)
        for _id, path, code, level, name_fr, name_ar in units:
            figures = subtree[path].as_dict()
            yield [code, level, name_fr, name_ar] + [
                "" if figures[c.key] is None else figures[c.key] for c in self.columns[4:]
            ]


def export_file_name(*, exporter: Exporter, scope: Scope, file_format: str, on: datetime.date | None = None) -> str:
    on = on or timezone.localdate()
    code = scope.code.replace(".", "-")
    return f"{exporter.name}_{code}_{on.isoformat()}.{file_format}"

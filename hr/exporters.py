"""Declarative exporters: each declares its name, label and columns, and yields rows.

Rows come from a queryset already limited to a ``Scope`` (so to what the person may
see), read with ``values_list(...).iterator()`` so that memory stays flat whatever
the number of rows. ``export_rows`` is the one generic runner used by the streamed
CSV, the XLSX task, the command and the tests.

Rows speak the requester's language (the active one): headers, status and level values,
course titles. ``typed=True`` (XLSX) keeps dates as dates; CSV gets them as text.
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
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from academy.territories.models import Level, Territory
from certificates.models import Certificate
from learners.models import Enrollment

from .selectors import (
    ATTRIBUTION_CURRENT,
    Figures,
    Scope,
    StatsFilters,
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
    # Translated labels of coded values (statuses, levels), read when the rows are made.
    labels: Callable[[], dict] | None = None
    # A canonical course id shown as the course's title in the requester's language.
    course_title: bool = False


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
        return f"to_char(({sql}) AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')", (
            *params,
            settings.TIME_ZONE,
        )


def _datetime(value):
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _local_datetime(value):
    """A real date and time for a spreadsheet cell: local time, no time zone (Excel has none)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def _date(value):
    """A date as "YYYY-MM-DD" text (CSV); XLSX keeps the date itself."""
    return value.isoformat() if value else ""


def _certificate_state_labels() -> dict:
    from certificates.selectors import CERTIFICATE_STATES

    return {value: str(label) for value, label in CERTIFICATE_STATES}


def _choice_labels(model, field: str) -> Callable[[], dict]:
    def labels() -> dict:
        return {value: str(label) for value, label in model._meta.get_field(field).choices}

    return labels


def _level_labels() -> dict:
    return {value: str(label) for value, label in Level.choices}


def course_titles(*, language: str | None = None) -> dict[int, str]:
    """Every course's title in ``language`` (default: the active one), by canonical page id;
    a course without a translation keeps its source title."""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    source = settings.LANGUAGE_CODE
    pages = Page.objects.filter(
        content_type__app_label="courses",
        content_type__model="coursepage",
        locale__language_code__in={source, language},
    ).values_list("pk", "translation_key", "locale__language_code", "title")
    canonical: dict = {}
    translated: dict = {}
    for pk, key, code, title in pages:
        if code == source:
            canonical[key] = (pk, title)
        if code == language:
            translated[key] = title
    return {pk: translated.get(key, title) for key, (pk, title) in canonical.items()}


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

    def rows(self, *, scope: Scope, filters: StatsFilters, typed: bool = False) -> Iterator[tuple]:
        qs = self.queryset(scope=scope, filters=filters)
        sources: list = [c.source for c in self.columns]
        formats = []
        for i, column in enumerate(self.columns):
            if column.labels is not None:
                labels = column.labels()
                formats.append((i, lambda v, labels=labels: labels.get(v, v)))
            elif column.course_title:
                titles = course_titles()
                formats.append((i, lambda v, titles=titles: titles.get(v, "")))
            elif column.format is _datetime and typed:
                formats.append((i, _local_datetime))
            elif column.format is _date and typed:
                continue
            elif column.format:
                formats.append((i, column.format))
        if not typed and connections[qs.db].vendor == "postgresql":
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
        raise KeyError(
            f"unknown exporter {name!r}; choose one of {', '.join(sorted(REGISTRY))}"
        ) from None


def exporter_choices() -> list[tuple[str, str]]:
    return [(name, exporter.label) for name, exporter in REGISTRY.items()]


def export_rows(
    *, exporter: Exporter, scope: Scope, filters: StatsFilters, typed: bool = False
) -> Iterator:
    """The header, then every row."""
    yield exporter.header()
    yield from exporter.rows(scope=scope, filters=filters, typed=typed)


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
        Column("course", _("Course"), "course_id", course_title=True),
        Column("status", _("Status"), "status", labels=_choice_labels(Enrollment, "status")),
        Column("enrolled_at", _("Enrolled at"), "enrolled_at", _datetime),
        Column("progress_percent", _("Progress (%)"), "progress_percent"),
        Column("last_activity_at", _("Last activity"), "last_activity_at", _datetime),
        Column("final_score", _("Final score (%)"), "final_score"),
    )

    def queryset(self, *, scope, filters):
        qs = enrollments_in_scope(
            scope=scope, filters=dataclasses.replace(filters, attribution=ATTRIBUTION_CURRENT)
        )
        return qs.filter(filters.period_q("enrolled_at")).order_by(
            "user__unit__code", "user__last_name", "id"
        )


@register
class CompletionsExporter(Exporter):
    name = "completions"
    label = _("Completions")
    columns = (
        *LEARNER_COLUMNS,
        Column("unit_code", _("Unit at completion (code)"), "unit_at_completion__code"),
        Column("unit_name_fr", _("Unit at completion (French)"), "unit_at_completion__name_fr"),
        Column("unit_name_ar", _("Unit at completion (Arabic)"), "unit_at_completion__name_ar"),
        Column("course", _("Course"), "course_id", course_title=True),
        Column("enrolled_at", _("Enrolled at"), "enrolled_at", _datetime),
        Column("completed_at", _("Completed at"), "completed_at", _datetime),
        Column("final_score", _("Final score (%)"), "final_score"),
    )

    def queryset(self, *, scope, filters):
        qs = enrollments_in_scope(scope=scope, filters=filters).filter(
            status=Enrollment.Status.COMPLETED
        )
        # Unordered on purpose: sorting every completion of the country costs more than
        # the rest of the export; spreadsheets sort by any column.
        return qs.filter(filters.period_q("completed_at")).order_by()


@register
class CertificatesExporter(Exporter):
    name = "certificates"
    label = _("Certificates")
    columns = (
        Column("serial", _("Serial number"), "serial"),
        Column("status", _("Status"), "status", labels=_choice_labels(Certificate, "status")),
        Column("issued_at", _("Issued at"), "issued_at", _datetime),
        Column("valid_until", _("Valid until"), "valid_until", _date),
        Column("state", _("Validity today"), "state_today", labels=_certificate_state_labels),
        *(Column(c.key, c.label, f"enrollment__{c.source}") for c in LEARNER_COLUMNS),
        Column("unit_code", _("Unit at completion (code)"), "enrollment__unit_at_completion__code"),
        Column("course", _("Course"), "enrollment__course_id", course_title=True),
        Column("uuid", _("Verification code"), "uuid", str),
    )

    def queryset(self, *, scope, filters):
        from certificates.selectors import certificate_state_today

        qs = Certificate.objects.filter(
            scope.attributed_q("enrollment__", filters.attribution)
        ).annotate(state_today=certificate_state_today())
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
        Column("level", _("Level"), "level", labels=_level_labels),
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

    def rows(self, *, scope, filters, typed=False):
        levels = _level_labels()
        per_unit, _as_of = figures_by_unit_served(scope=scope, filters=filters)
        units = list(
            self.queryset(scope=scope, filters=filters).values_list(
                "id", "path", "code", "level", "name_fr", "name_ar"
            )
        )
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
            yield [code, levels.get(level, level), name_fr, name_ar] + [
                "" if figures[c.key] is None else figures[c.key] for c in self.columns[4:]
            ]


def export_file_name(
    *, exporter: Exporter, scope: Scope, file_format: str, on: datetime.date | None = None
) -> str:
    on = on or timezone.localdate()
    code = scope.code.replace(".", "-")
    return f"{exporter.name}_{code}_{on.isoformat()}.{file_format}"


# --- training campaigns -------------------------------------------------------------------


class CampaignExporter:
    """A campaign's people and their status: one row per person assigned (not the leavers).

    Declarative like the exporters above, but over one campaign and one unit of it rather
    than a ``Scope`` and ``StatsFilters`` (``hr.selectors.campaigns.compliance_people``)."""

    name = "campaign_compliance"
    label = _("Campaign compliance")
    columns = (
        *(Column(c.key, c.label) for c in LEARNER_COLUMNS),
        Column("unit_code", _("Unit code")),
        Column("unit_name_fr", _("Unit (French)")),
        Column("unit_name_ar", _("Unit (Arabic)")),
        Column("joined_on", _("Joined the audience on")),
        Column("due_date", _("Due date")),
        Column("done_on", _("Completed on")),
        Column("status", _("Status")),
    )

    def header(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def rows(self, *, campaign, unit, typed: bool = False, today=None) -> Iterator[list]:
        from .selectors.campaigns import COMPLIANCE_LABELS, compliance_people

        today = today or timezone.localdate()
        labels = {key: str(label) for key, label in COMPLIANCE_LABELS.items()}

        def day(value):
            if value is None:
                return None if typed else ""
            return value if typed else value.isoformat()

        for user, assignment, state in compliance_people(campaign=campaign, unit=unit, today=today):
            yield [
                user.matricule or "",
                user.last_name,
                user.first_name,
                user.last_name_ar,
                user.first_name_ar,
                user.job_title,
                user.unit.code if user.unit else "",
                user.unit.name_fr if user.unit else "",
                user.unit.name_ar if user.unit else "",
                day(assignment.joined_on),
                day(assignment.due_date),
                day(state.done_on),
                labels[state.status(today)],
            ]


CAMPAIGN_EXPORTER = CampaignExporter()


def campaign_export_file_name(*, campaign, unit, file_format: str, on=None) -> str:
    on = on or timezone.localdate()
    code = (unit.code if unit else "national").replace(".", "-")
    return f"campaign-{campaign.pk}_{code}_{on.isoformat()}.{file_format}"

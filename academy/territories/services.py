"""Writes on territorial units: loading the official hierarchy."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import LEVEL_DEPTH, Kind, Level, Territory

REQUIRED_COLUMNS = ("code", "level", "kind", "name_fr", "name_ar", "parent_code", "population_2014")
PARENT_LEVELS = {
    Level.REGION: (),
    Level.PREFECTURE: (Level.REGION,),
    Level.PROVINCE: (Level.REGION,),
    Level.COMMUNE: (Level.PREFECTURE, Level.PROVINCE),
}
CODE_RE = re.compile(r"^\d{2}(\.\d{3}(\.\d{2}\.\d{1,2})?)?$")
ARABIC_RE = re.compile(r"[\u0600-\u06FF]")
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "morocco_territorial_units.csv"


class TerritoryFileError(Exception):
    """The file was refused; ``errors`` names each bad row. Nothing was written."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class TerritoryRow:
    line: int
    code: str
    level: str
    kind: str
    name_fr: str
    name_ar: str
    parent_code: str
    population_2014: int | None


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def total(self, level: str) -> int:
        return self.created[level] + self.updated[level] + self.unchanged[level]


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TerritoryFileError(
            [f"line {line}: the file is not valid UTF-8 (byte {exc.start}); save it as UTF-8."]
        ) from exc
    return text.removeprefix("\ufeff")


def territory_rows_parse(*, raw: bytes) -> list[TerritoryRow]:
    """Parse and validate a whole file; raise ``TerritoryFileError`` listing every problem."""
    text = _decode(raw)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise TerritoryFileError([f"line 1: missing column(s): {', '.join(missing)}"])

    errors: list[str] = []
    rows: list[TerritoryRow] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(reader, start=2):
        if None in record:
            errors.append(f"line {line}: more fields than columns")
            continue
        values = {k: (record.get(k) or "").strip() for k in REQUIRED_COLUMNS}
        code = values["code"]
        problems = []
        if not CODE_RE.match(code):
            problems.append(f"code {code!r} is not an HCP code (RR, RR.PPP or RR.PPP.CC.N)")
        if values["level"] not in PARENT_LEVELS:
            problems.append(f"unknown level {values['level']!r}")
        if values["level"] == Level.COMMUNE and values["kind"] not in (Kind.URBAN, Kind.RURAL):
            problems.append(f"a commune needs kind urban or rural, got {values['kind']!r}")
        if values["level"] != Level.COMMUNE and values["kind"]:
            problems.append(f"only communes have a kind, got {values['kind']!r}")
        if not values["name_fr"]:
            problems.append("name_fr is empty")
        if not values["name_ar"]:
            problems.append("name_ar is empty")
        elif not ARABIC_RE.search(values["name_ar"]):
            problems.append(f"name_ar {values['name_ar']!r} has no Arabic script")
        population = None
        if values["population_2014"]:
            try:
                population = int(values["population_2014"])
                if population < 0:
                    raise ValueError
            except ValueError:
                problems.append(
                    f"population_2014 {values['population_2014']!r} is not a whole number"
                )
        if code in seen:
            problems.append(f"duplicate code {code} (first on line {seen[code]})")
        else:
            seen[code] = line
        if problems:
            errors.extend(f"line {line} ({code or 'no code'}): {p}" for p in problems)
            continue
        rows.append(
            TerritoryRow(
                line=line,
                code=code,
                level=values["level"],
                kind=values["kind"],
                name_fr=values["name_fr"],
                name_ar=values["name_ar"],
                parent_code=values["parent_code"],
                population_2014=population,
            )
        )

    if not rows and not errors:
        errors.append("the file has no rows")

    by_code = {row.code: row for row in rows}
    existing_levels = dict(
        Territory.objects.filter(
            code__in={r.parent_code for r in rows if r.parent_code and r.parent_code not in by_code}
        ).values_list("code", "level")
    )
    for row in rows:
        allowed = PARENT_LEVELS[row.level]
        if not allowed:
            if row.parent_code:
                errors.append(
                    f"line {row.line} ({row.code}): a region has no parent, got {row.parent_code}"
                )
            continue
        if not row.parent_code:
            errors.append(f"line {row.line} ({row.code}): a {row.level} needs a parent_code")
            continue
        parent_level = (
            by_code[row.parent_code].level
            if row.parent_code in by_code
            else existing_levels.get(row.parent_code)
        )
        if parent_level is None:
            errors.append(f"line {row.line} ({row.code}): unknown parent {row.parent_code}")
        elif parent_level not in allowed:
            errors.append(
                f"line {row.line} ({row.code}): a {row.level} cannot sit under a {parent_level} "
                f"({row.parent_code}); expected {' or '.join(allowed)}"
            )
        elif not row.code.startswith(row.parent_code + "."):
            errors.append(
                f"line {row.line} ({row.code}): code does not extend its parent's code {row.parent_code}"
            )
    if errors:
        raise TerritoryFileError(errors)
    return rows


FIELDS = ("level", "kind", "name_fr", "name_ar", "population_2014")


def _last_steps(nodes: dict[str, Territory]) -> dict[str, int]:
    """For each parent path ("" for the roots), the highest child step already used."""
    steplen = Territory.steplen
    last: dict[str, int] = defaultdict(int)
    for node in nodes.values():
        parent_path, step = node.path[:-steplen], int(node.path[-steplen:], len(Territory.alphabet))
        last[parent_path] = max(last[parent_path], step)
    return last


@transaction.atomic
def territories_load(*, raw: bytes) -> LoadReport:
    """Upsert the hierarchy by code, all or nothing. Running it twice changes nothing.

    New units are inserted level by level in bulk, with materialised paths numbered after
    the siblings already stored; ``Territory.find_problems()`` stays clean (tested).
    """
    rows = territory_rows_parse(raw=raw)
    report = LoadReport()
    nodes: dict[str, Territory] = {t.code: t for t in Territory.objects.all()}
    last_step = _last_steps(nodes)
    by_depth: dict[int, list[TerritoryRow]] = defaultdict(list)
    for row in rows:
        by_depth[LEVEL_DEPTH[row.level]].append(row)

    for depth in sorted(by_depth):
        new_nodes: list[Territory] = []
        grown: Counter = Counter()
        changed_nodes: list[Territory] = []
        for row in by_depth[depth]:
            values = {f: getattr(row, f) for f in FIELDS}
            parent = nodes.get(row.parent_code) if row.parent_code else None
            node = nodes.get(row.code)
            if node is None:
                parent_path = parent.path if parent else ""
                last_step[parent_path] += 1
                node = Territory(
                    code=row.code,
                    parent=parent,
                    path=Territory._get_path(parent_path, depth, last_step[parent_path]),
                    depth=depth,
                    numchild=0,
                    **values,
                )
                new_nodes.append(node)
                if parent is not None:
                    grown[parent.code] += 1
                report.created[row.level] += 1
                continue
            # A unit's code extends its parent's (checked above): the parent never changes.
            if any(getattr(node, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(node, f, v)
                changed_nodes.append(node)
                report.updated[row.level] += 1
            else:
                report.unchanged[row.level] += 1

        Territory.objects.bulk_create(new_nodes)
        for node in new_nodes:
            nodes[node.code] = node
        parents = [nodes[code] for code in grown]
        for parent in parents:
            parent.numchild += grown[parent.code]
        Territory.objects.bulk_update(parents, ["numchild"])
        Territory.objects.bulk_update(changed_nodes, list(FIELDS))

    return report

"""The maturity figures of a set of diagnostics, added up per unit (pure Python, no queries).

``Maturity`` is what ``UnitMaturity`` stores for one unit, and what the views add up over a
subtree: people diagnosed, people at each level per area, and per competence the sum of scores,
the number of people and the number at foundation level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .bank import area_of, framework
from .scoring import FOUNDATION, area_level

LEVELS = (1, 2, 3, 4)


def area_codes() -> list[str]:
    return [a["code"] for a in framework()]


@dataclass
class Maturity:
    diagnosed: int = 0
    area_levels: dict = field(default_factory=dict)  # {area: [n1, n2, n3, n4]}
    competences: dict = field(default_factory=dict)  # {code: [score sum, people, at foundation]}

    def add(self, other: Maturity) -> None:
        self.diagnosed += other.diagnosed
        for area, counts in other.area_levels.items():
            mine = self.area_levels.setdefault(area, [0, 0, 0, 0])
            for i, n in enumerate(counts):
                mine[i] += n
        for code, values in other.competences.items():
            mine = self.competences.setdefault(code, [0.0, 0, 0])
            for i, n in enumerate(values):
                mine[i] += n

    def competence_average(self, code: str) -> float | None:
        total, people, _foundation = self.competences.get(code, (0, 0, 0))
        return round(total / people, 1) if people else None

    def area_average(self, area: str) -> float | None:
        total = people = 0
        for code, (s, n, _f) in self.competences.items():
            if area_of(code) == area:
                total += s
                people += n
        return round(total / people, 1) if people else None

    def area_shares(self, area: str) -> list[float | None]:
        """Share (%) of the people diagnosed at each of the four levels in ``area``."""
        counts = self.area_levels.get(area, [0, 0, 0, 0])
        total = sum(counts)
        return [round(100 * n / total, 1) if total else None for n in counts]

    def weakest(self, limit: int = 5) -> list[tuple[str, float, float]]:
        """(code, average score, share at foundation %), lowest average first."""
        rows = []
        for code, (total, people, foundation) in self.competences.items():
            if people:
                rows.append((code, round(total / people, 1), round(100 * foundation / people, 1)))
        return sorted(rows, key=lambda r: (r[1], r[0]))[:limit]


def maturity_by_unit(rows: Iterable[tuple]) -> dict[int, Maturity]:
    """``rows``: (unit id, diagnostic id, competence code, score, level), ordered by diagnostic."""
    per_diagnostic: dict[int, tuple[int, list]] = {}
    for unit_id, diagnostic_id, code, score, level in rows:
        per_diagnostic.setdefault(diagnostic_id, (unit_id, []))[1].append((code, score, level))
    result: dict[int, Maturity] = defaultdict(Maturity)
    for unit_id, results in per_diagnostic.values():
        m = result[unit_id]
        m.diagnosed += 1
        by_area: dict[str, list[int]] = defaultdict(list)
        for code, score, level in results:
            by_area[area_of(code)].append(level)
            values = m.competences.setdefault(code, [0.0, 0, 0])
            values[0] += float(score)
            values[1] += 1
            values[2] += 1 if level == FOUNDATION else 0
        for area, levels in by_area.items():
            m.area_levels.setdefault(area, [0, 0, 0, 0])[area_level(levels) - 1] += 1
    return dict(result)

"""Scoring of a diagnostic: pure functions, no database.

**Question score** (0 to 1):
- single choice: 1 when the one option chosen is the right one, else 0;
- multiple choice: (right options ticked − wrong options ticked) / right options, never below 0
  (ticking everything scores 0, not a half);
- unanswered: 0.

**Competence score** (0–100): the mean of the scores of the competence's questions drawn in the
sitting, × 100.

**Competence level**, DigComp 2.2's eight levels grouped in four:
- foundation (levels 1–2): score below 50;
- intermediate (3–4): score from 50 up to 80 (excluded);
- advanced (5–6): score of 80 or more;
- highly specialised (7–8): score of 80 or more *and* the learner's self-rating is the highest
  ("I guide others and devise new ways of doing this").
Short scenario questions can show the first three groups; the top of the framework (guiding
others, creating new solutions) is what the self-rating asks about, so it only separates
advanced from highly specialised, and never lowers a measured level.

**Area level**: the mean of the levels of the area's competences, rounded down.
**Weakest competences** (learning path): those below advanced, lowest score first.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from .bank import MULTIPLE, SINGLE, Question

FOUNDATION, INTERMEDIATE, ADVANCED, HIGHLY_SPECIALISED = 1, 2, 3, 4
INTERMEDIATE_FROM = Decimal(50)
ADVANCED_FROM = Decimal(80)
TOP_SELF_RATING = 4


def question_score(question: Question, chosen: Iterable[int] | None) -> Decimal:
    chosen = set(chosen or ())
    if not chosen:
        return Decimal(0)
    if question.type == SINGLE:
        return Decimal(1) if len(chosen) == 1 and chosen <= question.answer else Decimal(0)
    if question.type == MULTIPLE:
        right = len(chosen & question.answer)
        wrong = len(chosen - question.answer)
        return max(Decimal(0), Decimal(right - wrong) / len(question.answer))
    raise ValueError(f"unknown question type {question.type!r}")


def competence_score(scores: list[Decimal]) -> Decimal:
    if not scores:
        return Decimal(0)
    mean = sum(scores, Decimal(0)) * 100 / len(scores)
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def competence_level(score: Decimal, self_rating: int | None) -> int:
    if score < INTERMEDIATE_FROM:
        return FOUNDATION
    if score < ADVANCED_FROM:
        return INTERMEDIATE
    if self_rating == TOP_SELF_RATING:
        return HIGHLY_SPECIALISED
    return ADVANCED


def area_level(levels: list[int]) -> int:
    if not levels:
        return FOUNDATION
    return sum(levels) // len(levels)


def weakest(results: list[tuple[str, Decimal, int]], limit: int = 5) -> list[str]:
    """Codes of the competences below advanced, lowest score first (ties: framework order)."""
    below = [(score, code) for code, score, level in results if level < ADVANCED]
    return [code for _score, code in sorted(below)[:limit]]

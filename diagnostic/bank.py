"""The question bank (``data/questions_*.json``, see ``data/SOURCES.md``), read once.

Only this module and ``scoring`` ever look at the right answers; what leaves the server is
``question_public`` (stem and options in the learner's language, in the drawn order).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SINGLE, MULTIPLE = "single", "multiple"
QUESTIONS_PER_COMPETENCE = 2  # drawn at each sitting
LANGUAGES = ("fr", "ar")


@dataclass(frozen=True)
class Question:
    id: str
    competence: str
    type: str
    answer: frozenset[int]
    texts: dict  # {"fr": {"stem": ..., "options": [...]}, "ar": {...}}

    @property
    def option_count(self) -> int:
        return len(self.texts["fr"]["options"])


class BankError(ValueError):
    pass


def _load(paths) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    for path in paths:
        for raw in json.loads(path.read_text(encoding="utf-8")):
            q = Question(
                id=raw["id"],
                competence=raw["competence"],
                type=raw["type"],
                answer=frozenset(raw["answer"]),
                texts={lang: raw[lang] for lang in LANGUAGES},
            )
            if q.id in questions:
                raise BankError(f"{path.name}: question {q.id} twice")
            questions[q.id] = q
    return questions


def bank_problems(questions: dict[str, Question], competence_codes: list[str]) -> list[str]:
    """What is wrong with a bank (empty: nothing)."""
    problems = []
    for q in questions.values():
        counts = {len(q.texts[lang]["options"]) for lang in LANGUAGES}
        if len(counts) != 1:
            problems.append(f"{q.id}: not the same number of options in fr and ar")
        if q.type not in (SINGLE, MULTIPLE):
            problems.append(f"{q.id}: unknown type {q.type!r}")
        if not q.answer or any(not 0 <= i < q.option_count for i in q.answer):
            problems.append(f"{q.id}: answer outside the options")
        if q.type == SINGLE and len(q.answer) != 1:
            problems.append(f"{q.id}: a single-choice question has one right option")
        if q.type == MULTIPLE and len(q.answer) == q.option_count:
            problems.append(f"{q.id}: every option is right")
        if any(not q.texts[lang]["stem"].strip() for lang in LANGUAGES):
            problems.append(f"{q.id}: empty stem")
    for code in competence_codes:
        n = sum(1 for q in questions.values() if q.competence == code)
        if n < QUESTIONS_PER_COMPETENCE:
            problems.append(
                f"competence {code}: {n} question(s), {QUESTIONS_PER_COMPETENCE} needed"
            )
    return problems


@cache
def bank() -> dict[str, Question]:
    return _load(sorted(DATA_DIR.glob("questions_*.json")))


@cache
def framework() -> list[dict]:
    """The DigComp 2.2 areas and competences, in order (``data/digcomp_2_2.json``)."""
    return json.loads((DATA_DIR / "digcomp_2_2.json").read_text(encoding="utf-8"))["areas"]


def competence_codes() -> list[str]:
    return [c["code"] for area in framework() for c in area["competences"]]


def area_of(competence_code: str) -> str:
    return competence_code.split(".")[0]


def questions_draw(*, rng: random.Random, previous: set[str] = frozenset()) -> list[dict]:
    """``QUESTIONS_PER_COMPETENCE`` questions per competence, competence by competence, with
    shuffled options. Questions of the learner's previous sitting are drawn last, so a re-take
    differs whenever the bank allows (3 questions per competence: at least one new one each)."""
    questions = bank()
    drawn = []
    for code in competence_codes():
        pool = [q for q in questions.values() if q.competence == code]
        rng.shuffle(pool)
        pool.sort(key=lambda q: q.id in previous)  # stable: fresh ones first, in random order
        for q in pool[:QUESTIONS_PER_COMPETENCE]:
            order = list(range(q.option_count))
            rng.shuffle(order)
            drawn.append({"id": q.id, "order": order})
    return drawn


def question_public(item: dict, *, language: str) -> dict:
    """What a page may show of a drawn question: no right answer, options in the drawn order
    and numbered by their position on the page (their bank index stays on the server)."""
    q = bank()[item["id"]]
    texts = q.texts.get(language[:2]) or q.texts["fr"]
    return {
        "id": q.id,
        "competence": q.competence,
        "multiple": q.type == MULTIPLE,
        "stem": texts["stem"],
        "options": [(position, texts["options"][i]) for position, i in enumerate(item["order"])],
    }

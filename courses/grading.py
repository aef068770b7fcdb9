"""Pure quiz grading: plain dicts in, plain dicts out; no database, no Wagtail.

A *question* (server side, holds the answer key)::

    {"id": "…", "type": "single|multiple|true_false|numeric|text", "prompt": "…",
     "feedback": "…", "choices": ["a", "b"], "correct": …, "tolerance": "0"}

``correct`` is a list of choice indexes (single, multiple), a bool (true_false), a decimal
string (numeric) or a list of accepted strings (text). Answers are what the form sent:
a choice index string (single), a list of index strings (multiple), "true"/"false",
free text. Each question is worth 1 point; multiple choice gives partial credit.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

QUESTION_TYPES = ("single", "multiple", "true_false", "numeric", "text")

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ـ": "",
        "’": "'",
        "‘": "'",
        "`": "'",
        "-": " ",
    }
)
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


def normalize_text(value: str) -> str:
    """Case, accents, Arabic short vowels and letter variants, and spacing do not count."""
    value = unicodedata.normalize("NFKD", str(value or ""))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = value.translate(_ARABIC_LETTERS).translate(_DIGITS).casefold()
    value = _SPACES.sub(" ", value).strip()
    return _EDGE_PUNCT.sub("", value)


def parse_number(value) -> Decimal | None:
    """'1 503', '1503,5', '١٥٠٣' → Decimal; anything else → None."""
    if value is None:
        return None
    text = (
        str(value).translate(_DIGITS).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    )
    text = text.replace("٫", ".").replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _as_list(answer) -> list[str]:
    if answer is None or answer == "":
        return []
    if isinstance(answer, list | tuple | set):
        return [str(a) for a in answer if str(a) != ""]
    return [str(answer)]


def _index_set(answer, n_choices: int) -> set[int]:
    result = set()
    for item in _as_list(answer):
        try:
            index = int(item)
        except ValueError:
            continue
        if 0 <= index < n_choices:
            result.add(index)
    return result


def grade_question(question: dict, answer) -> dict:
    """→ {"score": float 0..1, "max_score": 1, "correct": bool, "answered": bool}."""
    kind = question["type"]
    correct = question["correct"]
    score = 0.0
    answered = bool(_as_list(answer)) and any(a.strip() for a in _as_list(answer))

    if kind == "single":
        chosen = _index_set(answer, len(question["choices"]))
        score = 1.0 if len(chosen) == 1 and chosen == set(correct) else 0.0
    elif kind == "multiple":
        chosen = _index_set(answer, len(question["choices"]))
        expected = set(correct)
        hits = len(chosen & expected)
        misses = len(chosen - expected)
        score = max(0.0, (hits - misses) / len(expected)) if expected else 0.0
    elif kind == "true_false":
        given = _as_list(answer)
        if len(given) == 1 and given[0] in ("true", "false"):
            score = 1.0 if (given[0] == "true") == bool(correct) else 0.0
    elif kind == "numeric":
        given = _as_list(answer)
        number = parse_number(given[0]) if len(given) == 1 else None
        if number is not None:
            tolerance = abs(Decimal(str(question.get("tolerance") or 0)))
            score = 1.0 if abs(number - Decimal(str(correct))) <= tolerance else 0.0
    elif kind == "text":
        given = _as_list(answer)
        accepted = {normalize_text(a) for a in correct if normalize_text(a)}
        score = 1.0 if len(given) == 1 and normalize_text(given[0]) in accepted else 0.0
    else:
        raise ValueError(f"Unknown question type {kind!r}")

    return {"score": round(score, 4), "max_score": 1, "correct": score == 1.0, "answered": answered}


def grade_quiz(questions: list[dict], answers: dict, *, pass_mark: int | None = None) -> dict:
    """Grades every question in ``questions`` (the drawn set) against ``answers`` by id."""
    results = {}
    total = Decimal("0")
    for question in questions:
        result = grade_question(question, answers.get(question["id"]))
        results[question["id"]] = result
        total += Decimal(str(result["score"]))
    max_score = Decimal(len(questions))
    percent = (total * 100 / max_score) if max_score else Decimal("0")
    percent = percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return {
        "score": total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        "max_score": max_score,
        "percent": percent,
        "passed": pass_mark is not None and percent >= pass_mark,
        "results": results,
    }


# --- Bridges from StreamField values -------------------------------------------------


def question_from_block(child, *, extra_accepted: list[str] | None = None) -> dict:
    """A StreamField question child (``StreamValue.StreamChild``) → question dict."""
    kind = child.block_type
    value = child.value
    question = {
        "id": child.id,
        "type": kind,
        "prompt": value["prompt"],
        "feedback": value.get("feedback") or "",
        "choices": [],
    }
    if kind in ("single", "multiple"):
        question["choices"] = [c["text"] for c in value["choices"]]
        question["correct"] = [i for i, c in enumerate(value["choices"]) if c["correct"]]
    elif kind == "true_false":
        question["correct"] = value["correct"] == "true"
    elif kind == "numeric":
        question["correct"] = str(value["correct"])
        question["tolerance"] = str(value.get("tolerance") or 0)
    elif kind == "text":
        accepted = [line.strip() for line in (value["accepted"] or "").splitlines() if line.strip()]
        question["correct"] = accepted + list(extra_accepted or [])
    return question


def question_public_view(question: dict, choice_order: list[int] | None = None) -> dict:
    """What the learner's browser may see before submitting: no answer key."""
    order = choice_order if choice_order else list(range(len(question["choices"])))
    return {
        "id": question["id"],
        "type": question["type"],
        "prompt": question["prompt"],
        "choices": [{"index": i, "text": question["choices"][i]} for i in order],
    }

from decimal import Decimal

import pytest

from courses.grading import (
    grade_question,
    grade_quiz,
    normalize_text,
    parse_number,
    question_public_view,
)

SINGLE = {"id": "s", "type": "single", "prompt": "?", "choices": ["a", "b", "c"], "correct": [1]}
MULTIPLE = {
    "id": "m",
    "type": "multiple",
    "prompt": "?",
    "choices": ["a", "b", "c", "d"],
    "correct": [0, 2],
}
TRUE_FALSE = {"id": "t", "type": "true_false", "prompt": "?", "choices": [], "correct": False}
NUMERIC = {
    "id": "n",
    "type": "numeric",
    "prompt": "?",
    "choices": [],
    "correct": "1503",
    "tolerance": "0.5",
}
TEXT = {
    "id": "x",
    "type": "text",
    "prompt": "?",
    "choices": [],
    "correct": ["Bureau d'ordre", "مكتب الضبط"],
}


@pytest.mark.parametrize(
    "question, answer, score",
    [
        (SINGLE, "1", 1.0),
        (SINGLE, "0", 0.0),
        (SINGLE, "", 0.0),
        (SINGLE, ["1", "0"], 0.0),  # two radios forged: not a single answer
        (SINGLE, "9", 0.0),
        (MULTIPLE, ["0", "2"], 1.0),
        (MULTIPLE, ["0"], 0.5),  # partial
        (MULTIPLE, ["0", "1"], 0.0),  # one right, one wrong cancel out
        (MULTIPLE, ["0", "1", "2", "3"], 0.0),  # ticking everything gains nothing
        (MULTIPLE, [], 0.0),
        (TRUE_FALSE, "false", 1.0),
        (TRUE_FALSE, "true", 0.0),
        (TRUE_FALSE, None, 0.0),
        (NUMERIC, "1503", 1.0),
        (NUMERIC, "1 503,4", 1.0),
        (NUMERIC, "١٥٠٣", 1.0),
        (NUMERIC, "1504", 0.0),
        (NUMERIC, "abc", 0.0),
        (NUMERIC, "", 0.0),
        (TEXT, "  bureau D'ORDRE ", 1.0),
        (TEXT, "Bureau d’ordre", 1.0),  # typographic apostrophe
        (TEXT, "bureau", 0.0),
        (TEXT, "مَكتب الضبط", 1.0),
        (TEXT, "greffe", 0.0),
        (TEXT, "", 0.0),
    ],
)
def test_grade_question_scores_each_type(question, answer, score):
    result = grade_question(question, answer)
    assert result["score"] == score
    assert result["correct"] is (score == 1.0)


def test_grade_question_marks_empty_answers_as_unanswered():
    assert grade_question(TEXT, "   ")["answered"] is False
    assert grade_question(MULTIPLE, [])["answered"] is False
    assert grade_question(SINGLE, "0")["answered"] is True


def test_grade_quiz_totals_percent_and_pass_mark():
    result = grade_quiz(
        [SINGLE, MULTIPLE, TRUE_FALSE, NUMERIC],
        {"s": "1", "m": ["2"], "t": "true"},
        pass_mark=60,
    )
    assert result["score"] == Decimal("1.50")
    assert result["max_score"] == 4
    assert result["percent"] == Decimal("37.50")
    assert result["passed"] is False
    assert result["results"]["n"] == {
        "score": 0.0,
        "max_score": 1,
        "correct": False,
        "answered": False,
    }
    assert grade_quiz([SINGLE], {"s": "1"}, pass_mark=60)["passed"] is True


def test_grade_question_rejects_unknown_type():
    with pytest.raises(ValueError):
        grade_question({"id": "z", "type": "essay", "correct": None, "choices": []}, "x")


def test_normalize_and_parse_helpers():
    assert normalize_text("  Élève  Modèle. ") == "eleve modele"
    assert normalize_text("إدارة") == normalize_text("ادارة")
    assert parse_number("2,5") == Decimal("2.5")
    assert parse_number("Infinity") is None


def test_public_view_has_no_answer_key_and_follows_the_drawn_order():
    view = question_public_view(MULTIPLE, [3, 1, 0, 2])
    assert "correct" not in view and "feedback" not in view
    assert [c["index"] for c in view["choices"]] == [3, 1, 0, 2]
    assert view["choices"][0]["text"] == "d"

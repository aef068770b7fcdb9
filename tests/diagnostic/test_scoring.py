from decimal import Decimal

import pytest

from diagnostic.bank import MULTIPLE, SINGLE, Question
from diagnostic.scoring import (
    ADVANCED,
    FOUNDATION,
    HIGHLY_SPECIALISED,
    INTERMEDIATE,
    area_level,
    competence_level,
    competence_score,
    question_score,
    weakest,
)

TEXTS = {lang: {"stem": "?", "options": ["a", "b", "c", "d"]} for lang in ("fr", "ar")}
ONE = Question("x-a", "1.1", SINGLE, frozenset({2}), TEXTS)
MANY = Question("x-b", "1.1", MULTIPLE, frozenset({0, 1, 3}), TEXTS)


@pytest.mark.parametrize(
    "chosen, expected",
    [([2], 1), ([1], 0), ([], 0), (None, 0), ([2, 1], 0)],
)
def test_single_choice_scores_one_only_for_the_right_option_alone(chosen, expected):
    assert question_score(ONE, chosen) == expected


@pytest.mark.parametrize(
    "chosen, expected",
    [
        ([0, 1, 3], Decimal(1)),
        ([0, 1], Decimal(2) / 3),
        ([0, 1, 3, 2], Decimal(2) / 3),  # one wrong tick takes a right one back
        ([0, 1, 2, 3], Decimal(2) / 3),
        ([0, 2], Decimal(0)),
        ([2], Decimal(0)),  # never below zero
        ([], Decimal(0)),
    ],
)
def test_multiple_choice_scores_right_ticks_minus_wrong_ticks(chosen, expected):
    assert question_score(MANY, chosen) == expected


def test_ticking_every_option_of_a_multiple_choice_question_scores_less_than_the_right_ones():
    assert question_score(MANY, [0, 1, 2, 3]) < question_score(MANY, [0, 1, 3])


def test_competence_score_is_the_mean_of_its_questions_in_percent():
    assert competence_score([Decimal(1), Decimal(0)]) == Decimal("50.0")
    assert competence_score([Decimal(1), Decimal(2) / 3]) == Decimal("83.3")
    assert competence_score([]) == Decimal(0)


@pytest.mark.parametrize(
    "score, rating, level",
    [
        (Decimal(0), None, FOUNDATION),
        (Decimal("49.9"), 4, FOUNDATION),  # the self-rating never raises a low score
        (Decimal(50), None, INTERMEDIATE),
        (Decimal("79.9"), 4, INTERMEDIATE),
        (Decimal(80), 1, ADVANCED),  # nor lowers a measured level
        (Decimal(100), 3, ADVANCED),
        (Decimal(80), 4, HIGHLY_SPECIALISED),
        (Decimal(100), 4, HIGHLY_SPECIALISED),
    ],
)
def test_competence_level_from_score_and_self_rating(score, rating, level):
    assert competence_level(score, rating) == level


def test_area_level_is_the_mean_of_its_competence_levels_rounded_down():
    assert area_level([1, 2, 2]) == 1
    assert area_level([2, 3]) == 2
    assert area_level([4, 4, 3, 4]) == 3
    assert area_level([]) == FOUNDATION


def test_weakest_competences_are_those_below_advanced_lowest_first():
    rows = [
        ("1.1", Decimal(90), ADVANCED),
        ("1.2", Decimal(40), FOUNDATION),
        ("2.1", Decimal(60), INTERMEDIATE),
        ("3.4", Decimal(0), FOUNDATION),
    ]
    assert weakest(rows) == ["3.4", "1.2", "2.1"]
    assert weakest(rows, limit=1) == ["3.4"]

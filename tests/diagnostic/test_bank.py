import random
from collections import Counter

from diagnostic.bank import (
    MULTIPLE,
    QUESTIONS_PER_COMPETENCE,
    SINGLE,
    Question,
    bank,
    bank_problems,
    competence_codes,
    question_public,
    questions_draw,
)


def test_the_bank_covers_the_21_competences_with_at_least_two_questions_each():
    codes = competence_codes()
    assert len(codes) == 21
    counts = Counter(q.competence for q in bank().values())
    assert set(counts) == set(codes)
    assert min(counts.values()) >= 2
    assert len(bank()) >= 42
    assert bank_problems(bank(), codes) == []


def test_every_question_has_french_and_arabic_text_with_the_same_options():
    for q in bank().values():
        fr, ar = q.texts["fr"], q.texts["ar"]
        assert len(fr["options"]) == len(ar["options"]) >= 3, q.id
        assert any("\u0600" <= ch <= "\u06ff" for ch in ar["stem"]), q.id


def test_a_broken_bank_is_reported():
    texts = {"fr": {"stem": "?", "options": ["a", "b"]}, "ar": {"stem": "؟", "options": ["أ"]}}
    broken = {
        "x": Question("x", "1.1", SINGLE, frozenset({0, 1}), texts),
        "y": Question("y", "1.1", MULTIPLE, frozenset({5}), texts),
    }
    problems = bank_problems(broken, ["1.1", "1.2"])
    assert any("same number of options" in p for p in problems)
    assert any("one right option" in p for p in problems)
    assert any("answer outside" in p for p in problems)
    assert any("competence 1.2" in p for p in problems)


def test_a_sitting_draws_two_questions_per_competence():
    drawn = questions_draw(rng=random.Random(3))
    assert len(drawn) == QUESTIONS_PER_COMPETENCE * 21
    per = Counter(bank()[d["id"]].competence for d in drawn)
    assert set(per.values()) == {QUESTIONS_PER_COMPETENCE}


def test_a_retake_draws_questions_left_out_of_the_previous_sitting_first():
    first = questions_draw(rng=random.Random(3))
    previous = {d["id"] for d in first}
    second = questions_draw(rng=random.Random(3), previous=previous)
    again = {d["id"] for d in second}
    assert again != previous
    # With three questions per competence, each competence gets its unused one back.
    for code in competence_codes():
        unused = {q.id for q in bank().values() if q.competence == code} - previous
        assert unused <= again


def test_what_a_page_receives_has_no_right_answer_and_numbers_options_by_position():
    item = {"id": "4.2-a", "order": [2, 0, 1]}
    public = question_public(item, language="ar")
    assert set(public) == {"id", "competence", "multiple", "stem", "options"}
    q = bank()["4.2-a"]
    assert [p for p, _t in public["options"]] == [0, 1, 2]
    assert [t for _p, t in public["options"]] == [q.texts["ar"]["options"][i] for i in (2, 0, 1)]


def test_a_bank_missing_questions_fails_the_system_check(monkeypatch):
    from diagnostic import checks

    assert checks.question_bank_check() == []
    monkeypatch.setattr(checks, "bank", lambda: {})
    errors = checks.question_bank_check()
    assert len(errors) == 21 and all(e.id == "diagnostic.E001" for e in errors)

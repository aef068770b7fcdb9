"""Wording across every catalogue: French typography, one term per concept."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from academy.core.management.commands.compile_translations import catalogues


def _messages(language):
    for po in sorted(catalogues(Path(settings.BASE_DIR))):
        if po.parent.parent.name != language:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for string in strings:
                yield po.relative_to(settings.BASE_DIR), ids[0], string


def test_french_puts_a_no_break_space_before_colons_semicolons_and_marks():
    wrong = [
        (str(po), string)
        for po, _msgid, string in _messages("fr")
        if re.search(r" [:;?!]", string) or re.search(r"[\w»)][:?!](?=\s|$)", string)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("language", "concept", "other_term"),
    [
        ("fr", "course", r"\bformations?\b"),
        ("fr", "certificate", r"\battestations?\b"),
        ("ar", "course", r"دورة|دورات|دورتك|دوراتي"),
    ],
)
def test_one_term_per_concept(language, concept, other_term):
    wrong = [
        (str(po), msgid, string)
        for po, msgid, string in _messages(language)
        if concept in msgid.lower() and re.search(other_term, string, re.IGNORECASE)
    ]
    assert wrong == []


def test_a_wrong_answer_is_not_worded_like_the_false_of_a_true_false_question():
    from django.utils import translation

    for language in ("fr", "ar"):
        with translation.override(language):
            incorrect = translation.gettext("Incorrect")
            false = translation.pgettext("true or false statement", "False")
            correct = translation.gettext("Correct")
            true = translation.pgettext("true or false statement", "True")
        assert incorrect != false and correct != true, language

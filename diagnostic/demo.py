"""Demo data of the diagnostic: sittings of the demo learners (through the real services) and
the indicators of a few communes. Idempotent: learners already diagnosed are left alone."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from academy.accounts.models import User
from academy.territories.models import Territory

from .bank import bank
from .models import Diagnostic, UnitIndicators
from .services import (
    diagnostic_answers_save,
    diagnostic_start,
    diagnostic_submit,
    unit_maturity_refresh,
)

# username → [(days ago, chance of a right answer per area code, self-rating)]
DEMO_SITTINGS = {
    "learner.berkane": [
        (75, {"1": 0.6, "2": 0.5, "3": 0.2, "4": 0.4, "5": 0.5}, 2),
        (5, {"1": 0.9, "2": 0.8, "3": 0.5, "4": 0.9, "5": 0.7}, 3),
    ],
    "learner.tiznit": [(20, {"1": 0.7, "2": 0.9, "3": 0.4, "4": 0.3, "5": 0.6}, 2)],
}

# commune code → (digital registry, e-signature, complaints portal, appointments, e-mail %, connection)
DEMO_INDICATORS = {
    "02.113.01.09": (True, True, True, False, 60, "good"),
    "02.113.01.07": (True, False, True, False, 25, "poor"),
    "02.113.01.05": (False, False, True, False, 10, "adequate"),
    "09.581.01.07": (True, True, False, True, 45, "adequate"),
}


def _answers(diagnostic: Diagnostic, rng: random.Random, chances: dict) -> dict:
    questions = bank()
    answers = {}
    for item in diagnostic.questions:
        q = questions[item["id"]]
        right = rng.random() < chances[q.competence.split(".")[0]]
        positions = [pos for pos, index in enumerate(item["order"]) if (index in q.answer) == right]
        answers[q.id] = positions if q.type == "multiple" else positions[:1]
    return answers


def demo_diagnostics_install(users=None) -> list[str]:
    """Digital-skills diagnostics of the demo learners and indicators of a few communes."""
    done = []
    rng = random.Random(2026)
    for username, sittings in DEMO_SITTINGS.items():
        user = User.objects.filter(username=username).first()
        if user is None or Diagnostic.objects.filter(user=user).exists():
            continue
        for days_ago, chances, rating in sittings:
            diagnostic = diagnostic_start(user=user, rng=rng)
            codes = {q["id"].split("-")[0] for q in diagnostic.questions}
            diagnostic_answers_save(
                diagnostic=diagnostic,
                user=user,
                answers=_answers(diagnostic, rng, chances),
                self_ratings={code: rating for code in codes},
                page=0,
            )
            diagnostic = diagnostic_submit(diagnostic=diagnostic, user=user)
            when = timezone.now() - datetime.timedelta(days=days_ago)
            Diagnostic.objects.filter(pk=diagnostic.pk).update(started_at=when, submitted_at=when)
        done.append(username)
    officer = User.objects.filter(username="hr.berkane").first()
    on = timezone.localdate() - datetime.timedelta(days=10)
    for code, values in DEMO_INDICATORS.items():
        unit = Territory.objects.filter(code=code).first()
        if unit is None or UnitIndicators.objects.filter(unit=unit).exists():
            continue
        registry, signature, portal, appointments, email, connection = values
        UnitIndicators.objects.create(
            unit=unit,
            recorded_on=on,
            recorded_by=officer,
            digital_registry=registry,
            e_signature=signature,
            complaints_portal=portal,
            online_appointments=appointments,
            professional_email_percent=email,
            connection_quality=connection,
        )
    unit_maturity_refresh(
        unit_ids=Diagnostic.objects.filter(is_latest=True, unit__isnull=False).values_list(
            "unit_id", flat=True
        )
    )
    return done


def demo_step(*, users, stdout):
    """Digital-skills diagnostics of the demo learners and indicators of a few communes."""
    for line in demo_diagnostics_install(users):
        stdout.write(f"  {line}")

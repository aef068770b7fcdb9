"""System checks: a broken question bank is a configuration error, found at start-up."""

from django.core import checks

from .bank import BankError, bank, bank_problems, competence_codes


@checks.register()
def question_bank_check(app_configs=None, **kwargs):
    try:
        problems = bank_problems(bank(), competence_codes())
    except (BankError, KeyError, ValueError) as exc:
        problems = [str(exc)]
    return [checks.Error(p, id="diagnostic.E001", obj="diagnostic/data") for p in problems]

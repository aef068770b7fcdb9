"""Demo accounts for every role, attached to real territorial units."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from academy.territories.models import Territory

from .models import Group as RoleGroup
from .models import HRScope, User

DEMO_PASSWORD = "academie-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    first_name: str
    last_name: str
    first_name_ar: str
    last_name_ar: str
    unit_code: str | None
    job_title: str
    language: str = "fr"
    groups: tuple[str, ...] = ()
    hr_unit_code: str | None = None
    hr_national: bool = False
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount(
        "learner.berkane",
        "learner (commune of Berkane)",
        "Amina",
        "El Idrissi",
        "أمينة",
        "الإدريسي",
        "02.113.01.09",
        "Technicienne, bureau d'ordre",
    ),
    DemoAccount(
        "learner.aklim",
        "learner (commune of Aklim, province of Berkane)",
        "Youssef",
        "Benali",
        "يوسف",
        "بنعلي",
        "02.113.01.07",
        "Agent d'état civil",
        language="ar",
    ),
    DemoAccount(
        "learner.tiznit",
        "learner (commune of Tiznit, Souss-Massa)",
        "Fatima",
        "Ait Lahcen",
        "فاطمة",
        "آيت لحسن",
        "09.581.01.07",
        "Administratrice",
    ),
    DemoAccount(
        "hr.berkane",
        "HR officer, province of Berkane",
        "Rachid",
        "Amrani",
        "رشيد",
        "العمراني",
        "02.113",
        "Chef du service des ressources humaines",
        hr_unit_code="02.113",
    ),
    DemoAccount(
        "hr.oriental",
        "HR officer, Oriental region",
        "Nadia",
        "Bennani",
        "نادية",
        "بناني",
        "02",
        "Responsable formation régionale",
        language="ar",
        hr_unit_code="02",
    ),
    DemoAccount(
        "hr.national",
        "HR officer, national",
        "Karim",
        "Tazi",
        "كريم",
        "التازي",
        None,
        "Direction de la formation",
        hr_national=True,
    ),
    DemoAccount(
        "trainer",
        "trainer (course author)",
        "Salma",
        "Chraibi",
        "سلمى",
        "الشرايبي",
        None,
        "Formatrice",
        groups=(RoleGroup.TRAINERS,),
    ),
    DemoAccount(
        "reviewer",
        "reviewer (approves courses)",
        "Omar",
        "Filali",
        "عمر",
        "الفيلالي",
        None,
        "Responsable pédagogique",
        groups=(RoleGroup.REVIEWERS,),
    ),
    DemoAccount(
        "admin",
        "platform admin",
        "Admin",
        "Académie",
        "مدير",
        "الأكاديمية",
        None,
        "Administrateur de la plateforme",
        superuser=True,
        groups=(RoleGroup.PLATFORM_ADMINS,),
    ),
)


def _unit(code: str | None) -> Territory | None:
    if code is None:
        return None
    unit = Territory.objects.filter(code=code).first()
    if unit is None:
        raise ValueError(f"demo unit {code} is missing: run `manage.py load_territories` first")
    return unit


@transaction.atomic
def demo_users_install() -> list[tuple[DemoAccount, User]]:
    """Create or refresh the demo accounts (idempotent). Returns each account with its user."""
    result = []
    for n, account in enumerate(DEMO_ACCOUNTS, start=1):
        user, _created = User.objects.get_or_create(username=account.username)
        user.first_name, user.last_name = account.first_name, account.last_name
        user.first_name_ar, user.last_name_ar = account.first_name_ar, account.last_name_ar
        user.email = f"{account.username}@demo.academie.ma"
        user.matricule = f"DEMO-{n:04d}"
        user.unit = _unit(account.unit_code)
        user.unit_since = (user.unit_since or datetime.date(2024, 1, 1)) if user.unit else None
        user.job_title = account.job_title
        user.preferred_language = account.language
        user.is_superuser = account.superuser
        user.is_staff = account.superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
        for name in account.groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        if account.hr_unit_code or account.hr_national:
            HRScope.objects.update_or_create(
                user=user, defaults={"unit": _unit(account.hr_unit_code)}
            )
        else:
            HRScope.objects.filter(user=user).delete()
        result.append((account, user))
    return result

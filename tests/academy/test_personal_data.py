"""Law 09-08: a learner downloads their data; an admin erases it on request; inactive
accounts are flagged."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from academy.accounts.models import User
from academy.accounts.personal_data import user_personal_data_erase
from academy.audit.models import AuditAction, AuditEntry, RetentionFlag
from tests import factories as base

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(small_tree, private_storage):
    from certificates.services import certificate_issue
    from tests.certificates import factories as cert

    learner = base.UserFactory(username="fz", first_name="Fatima", last_name="Idrissi", matricule="M-77",
                               email="fz@example.ma", unit=small_tree["c1"])  # fmt: skip
    course = cert.course(title_fr="Bureautique", title_ar="المكتبيات", template=cert.template())
    certificate = certificate_issue(
        enrollment=cert.completed_enrollment(user=learner, course_page=course)
    )
    return learner, certificate


def test_learner_downloads_everything_about_them_as_json(client, certified):
    learner, certificate = certified
    other = base.UserFactory(username="someone-else", matricule="M-88")
    client.force_login(learner)
    response = client.get("/fr/accounts/me/data.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["matricule"] == "M-77" and data["account"]["email"] == "fz@example.ma"
    assert [c["serial"] for c in data["certificates"]] == [certificate.serial]
    assert data["enrolments"][0]["status"] == "completed"
    assert (
        "M-88" not in response.content.decode() and other.username not in response.content.decode()
    )
    assert AuditEntry.objects.filter(
        action=AuditAction.PERSONAL_DATA_EXPORT, actor=learner
    ).exists()


@pytest.mark.parametrize(
    ("lang", "heading"), [("fr", "Mes données personnelles"), ("ar", "معطياتي الشخصية")]
)
def test_learner_reads_their_data_in_their_language(client, certified, lang, heading):
    learner, certificate = certified
    client.force_login(learner)
    html = client.get(f"/{lang}/accounts/me/data/").content.decode()
    assert heading in html and certificate.serial in html and "M-77" in html


def test_anonymous_visitors_get_no_data(client, db):
    assert client.get("/fr/accounts/me/data.json").status_code == 302


def test_erasure_removes_identity_keeps_statistics_and_verifiability(client, certified, small_tree):
    from academy.accounts.selectors import visibility_for
    from hr.selectors import StatsFilters, scope_for, unit_rollup

    learner, certificate = certified
    admin = base.platform_admin()
    scope = scope_for(visibility=visibility_for(admin), code=small_tree["p1"].code)
    before = unit_rollup(scope=scope, filters=StatsFilters()).total.as_dict()

    user_personal_data_erase(user=learner, actor=admin)

    learner = User.objects.get(pk=learner.pk)
    assert (learner.first_name, learner.last_name, learner.email, learner.matricule) == (
        "",
        "",
        "",
        None,
    )
    assert not learner.has_usable_password()
    assert unit_rollup(scope=scope, filters=StatsFilters()).total.as_dict() == before
    certificate.refresh_from_db()
    assert certificate.status == "valid" and "Fatima" not in json.dumps(certificate.snapshot)
    html = client.get(f"/verify/{certificate.uuid}/").content.decode()
    assert "Fatima" not in html and "M-77" not in html
    assert "personal data was erased" in html or "données personnelles" in html
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_ERASURE)
    assert entry.actor == admin and entry.data == {"was": "fz"}


def test_erase_command_needs_an_admin(certified):
    learner, _certificate = certified
    base.platform_admin(username="dpo")
    call_command("erase_personal_data", "M-77", "--by", "dpo")
    assert User.objects.get(pk=learner.pk).username == f"erased-{learner.pk}"


def test_inactive_accounts_are_flagged_after_the_retention_period(db, settings):
    settings.ACCOUNT_RETENTION_DAYS = 365
    old = timezone.now() - datetime.timedelta(days=800)
    idle = base.UserFactory(username="idle")
    User.objects.filter(pk=idle.pk).update(date_joined=old, last_login=old)
    recent = base.UserFactory(username="recent")
    User.objects.filter(pk=recent.pk).update(date_joined=old, last_login=timezone.now())
    call_command("flag_inactive_accounts")
    assert list(RetentionFlag.objects.values_list("user__username", flat=True)) == ["idle"]
    call_command("flag_inactive_accounts")  # idempotent
    assert RetentionFlag.objects.count() == 1


def test_beat_flags_inactive_accounts_every_day(db, settings):
    from celery import current_app

    from academy.accounts.tasks import inactive_accounts_flag_task

    entry = settings.CELERY_BEAT_SCHEDULE["accounts-retention-flags"]
    assert entry["task"] in current_app.tasks and entry["schedule"] == 24 * 60 * 60
    settings.ACCOUNT_RETENTION_DAYS = 365
    old = timezone.now() - datetime.timedelta(days=800)
    idle = base.UserFactory(username="idle")
    User.objects.filter(pk=idle.pk).update(date_joined=old, last_login=old)
    assert inactive_accounts_flag_task.delay().get() == 1
    assert inactive_accounts_flag_task.delay().get() == 0
    assert RetentionFlag.objects.get().user_id == idle.pk


def test_every_app_holding_personal_data_contributes_its_sections(client, certified):
    """The accounts app imports no feature app: courses, learners and certificates register
    their sections, erasure and activity dates (``personal_data_provider_register``)."""
    from academy.accounts.personal_data import personal_data_for

    learner, _certificate = certified
    data = personal_data_for(user=learner)
    for section in ("quiz_attempts", "enrolments", "lesson_progress", "learning_record",
                    "certificates"):  # fmt: skip
        assert section in data


def test_an_app_with_recent_learning_keeps_the_account_off_the_retention_list(db, monkeypatch):
    from academy.accounts import personal_data

    old = timezone.now() - datetime.timedelta(days=800)
    idle = base.UserFactory(username="idle-but-learning")
    User.objects.filter(pk=idle.pk).update(date_joined=old, last_login=old)
    assert idle in personal_data.inactive_accounts(days=365)
    monkeypatch.setitem(
        personal_data._providers,
        "test",
        personal_data.PersonalDataProvider(
            export=lambda **kw: {},
            active_user_ids=lambda *, since: User.objects.filter(pk=idle.pk).values("pk"),
        ),
    )
    assert idle not in personal_data.inactive_accounts(days=365)


def test_the_export_holds_the_learners_diagnostics_and_nobody_elses(client, small_tree):
    """The diagnostic app's sections: each sitting, its answers and self-ratings, and the level
    per competence; another learner's sittings never appear."""
    from diagnostic.models import Diagnostic
    from tests.diagnostic import factories as diag

    learner = base.UserFactory(username="diag-learner", unit=small_tree["c1"])
    other = base.UserFactory(username="diag-other", unit=small_tree["c1"])
    mine = diag.submitted(learner, right={"1.1"}, rating=2, seed=1)
    mine.refresh_from_db()
    theirs = diag.submitted(other, all_right=True, seed=2)
    Diagnostic.objects.filter(pk=theirs.pk).update(answers={"secret-question": [9]})
    client.force_login(learner)
    response = client.get("/fr/accounts/me/data.json")
    data = json.loads(response.content)
    [sitting] = data["diagnostics"]
    assert sitting["submitted_at"] == mine.submitted_at.isoformat()
    assert sitting["answers"] == mine.answers and sitting["self_ratings"] == mine.self_ratings
    assert {r["competence"] for r in sitting["results"]} == set(mine.self_ratings)
    levels = {r["competence"]: r["level"] for r in sitting["results"]}
    assert levels["1.1"] == 3 and levels["2.1"] == 1  # right: advanced; wrong: foundation
    assert "secret-question" not in response.content.decode()
    html = client.get("/ar/accounts/me/data/").content.decode()
    assert "<h2>تشخيص الكفاءات</h2>" in html and f"{mine.score} %" in html

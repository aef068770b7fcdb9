"""The audit log: who did what, to what, when and from where; admins filter it."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from academy.audit.models import AuditAction, AuditEntry
from academy.audit.services import audit_record
from tests import factories as base

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_who_what_and_the_client_address(rf, small_tree):
    admin = base.platform_admin()
    learner = base.UserFactory(unit=small_tree["c1"])
    request = rf.get("/", REMOTE_ADDR="198.51.100.3")
    entry = audit_record(
        actor=admin, action=AuditAction.EXPORT, target=learner, data={"rows": 3}, request=request
    )
    assert (entry.actor, entry.action, entry.client_ip, entry.data) == (
        admin,
        "export",
        "198.51.100.3",
        {"rows": 3},
    )
    assert entry.target_label == str(learner) and entry.target_id == str(learner.pk)
    with pytest.raises(ValueError):
        audit_record(actor=admin, action="made-up", request=request)


def _edit_data(user, **changes):
    data = {
        "username": user.username, "email": user.email, "first_name": user.first_name,
        "last_name": user.last_name, "matricule": user.matricule or "", "first_name_ar": user.first_name_ar,
        "last_name_ar": user.last_name_ar, "unit": user.unit_id or "", "job_title": user.job_title,
        "preferred_language": user.preferred_language, "is_active": "on", "hr_role": "", "hr_unit": "",
        "password1": "", "password2": "",
    }  # fmt: skip
    data.update(changes)
    return data


def test_email_and_scope_changes_in_the_user_admin_are_audited(client, small_tree):
    admin = base.platform_admin()
    user = base.UserFactory(unit=small_tree["c1"], email="old@example.ma")
    client.force_login(admin)
    response = client.post(
        reverse("wagtailusers_users:edit", args=[user.pk]),
        _edit_data(user, email="new@example.ma", hr_role="unit", hr_unit=small_tree["p1"].pk),
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302, (
        response.context["form"].errors if response.context else response
    )
    email = AuditEntry.objects.get(action=AuditAction.EMAIL_CHANGE)
    assert email.actor == admin and email.client_ip == "203.0.113.9"
    assert email.data == {"from": "old@example.ma", "to": "new@example.ma"}
    scope = AuditEntry.objects.get(action=AuditAction.SCOPE_CHANGE)
    assert scope.data == {"from": None, "to": small_tree["p1"].code}


def test_certificate_actions_are_audited(client, small_tree, private_storage):
    from certificates.services import certificate_issue
    from tests.certificates import factories as cert

    learner = base.UserFactory(unit=small_tree["c1"])
    course = cert.course(title_fr="Bureautique", title_ar="المكتبيات", template=cert.template())
    certificate = certificate_issue(
        enrollment=cert.completed_enrollment(user=learner, course_page=course)
    )
    admin = base.platform_admin()
    client.force_login(admin)
    client.post(reverse("certificates_admin:reissue", args=[certificate.pk]))
    certificate.refresh_from_db()
    client.post(
        reverse("certificates_admin:revoke", args=[certificate.superseded_by.pk]),
        {"reason": "Erreur"},
    )
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor", "target_label"))
    assert actions == [
        (AuditAction.CERTIFICATE_REISSUE, admin.pk, certificate.serial),
        (AuditAction.CERTIFICATE_REVOKE, admin.pk, certificate.superseded_by.serial),
    ]


def test_api_reads_of_personal_data_are_audited(small_tree):
    officer = base.hr_officer(small_tree["p1"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=officer).key}")
    assert api.get("/api/hr/completions/", REMOTE_ADDR="192.0.2.44").status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_READ)
    assert entry.actor == officer and entry.client_ip == "192.0.2.44"


def test_admins_filter_the_log_and_nobody_else_reads_it(client, small_tree):
    admin = base.platform_admin()
    learner = base.UserFactory(username="plain-learner")
    audit_record(actor=admin, action=AuditAction.EMAIL_CHANGE, target=learner)
    audit_record(actor=admin, action=AuditAction.IMPORT, data={"file": "staff-import.csv"})
    client.force_login(admin)
    page = client.get("/admin/audit_log/", {"action": "email_change"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "plain-learner" in html and "staff-import" not in html
    client.force_login(learner)
    assert client.get("/admin/audit_log/").status_code in (302, 403)

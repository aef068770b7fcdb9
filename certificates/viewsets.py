"""Wagtail admin for certificates: list, inspect, issue, re-issue, revoke; templates.

Certificates are never edited or deleted: the generic add/edit/delete views are
refused by the permission policy, and the actions go through the services.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from academy.accounts.selectors import user_is_platform_admin, visibility_for
from academy.audit.models import AuditAction
from academy.audit.services import audit_record

from .forms import RevokeForm
from .models import Certificate, CertificateTemplate
from .services import (
    CertificateIssueRefused,
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
)

URL_NAMESPACE = "certificates_admin"


def user_can_manage_certificates(user) -> bool:
    return user_is_platform_admin(user) or user.has_perm("certificates.change_certificate")


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """Browse with the usual permissions; never add, edit or delete through the
    generic views (issue, re-issue and revoke have their own views)."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        if action == "view":
            return user.is_active and (
                user_is_platform_admin(user) or user.has_perm("certificates.view_certificate")
            )
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


class CertificateIndexView(IndexView):
    def get_base_queryset(self):
        qs = super().get_base_queryset().select_related("enrollment__user")
        return qs.filter(visibility_for(self.request.user).q("enrollment__user__unit"))

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if user_can_manage_certificates(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Issue a certificate"),
                    url=reverse(f"{URL_NAMESPACE}:issue"),
                    icon_name="plus",
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem(
                _("Download PDF"),
                url=reverse(f"{URL_NAMESPACE}:download", args=[instance.pk]),
                icon_name="download",
                priority=40,
            )
        )
        buttons.append(
            MenuItem(
                _("Public page"),
                url=reverse("certificates:verify_detail", args=[str(instance.uuid)]),
                icon_name="link",
                priority=41,
            )
        )
        if instance.status == Certificate.Status.VALID and user_can_manage_certificates(
            self.request.user
        ):
            buttons.append(
                MenuItem(
                    _("Re-issue"),
                    url=reverse(f"{URL_NAMESPACE}:reissue", args=[instance.pk]),
                    icon_name="repeat",
                    priority=50,
                )
            )
            buttons.append(
                MenuItem(
                    _("Revoke"),
                    url=reverse(f"{URL_NAMESPACE}:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=60,
                )
            )
        return buttons


class CertificateInspectView(InspectView):
    """Only certificates of learners in the user's scope (404 otherwise, like download)."""

    def get_object(self, queryset=None):
        return _visible_certificate(self.request, self.pk)


class IssueForm(forms.Form):
    learner = forms.CharField(label=gettext_lazy("Learner (matricule or username)"), max_length=150)
    course = forms.ModelChoiceField(label=gettext_lazy("Course"), queryset=None)
    allow_after_revocation = forms.BooleanField(
        label=gettext_lazy("Issue even though a previous certificate was revoked"), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from courses.models import CoursePage

        self.user = user
        self.fields["course"].queryset = CoursePage.objects.filter(
            awards_certificate=True, locale__language_code="fr"
        ).order_by("title")

    def clean(self):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        from learners.models import Enrollment

        data = super().clean()
        if self.errors:
            return data
        key = data["learner"].strip()
        # Only learners in the officer's scope: outside it, the same answer as "no such learner".
        learners = get_user_model().objects.filter(visibility_for(self.user).q("unit"))
        user = learners.filter(Q(matricule=key) | Q(username=key)).first()
        if user is None:
            raise ValidationError(_("No learner has this matricule or username."))
        enrollment = Enrollment.objects.filter(user=user, course=data["course"]).first()
        if enrollment is None:
            raise ValidationError(_("This learner is not enrolled in this course."))
        data["enrollment"] = enrollment
        return data


def _require_manager(request):
    if not user_can_manage_certificates(request.user):
        raise PermissionDenied


def _visible_certificate(request, pk) -> Certificate:
    qs = Certificate.objects.filter(visibility_for(request.user).q("enrollment__user__unit"))
    return get_object_or_404(qs, pk=pk)


def _render(request, title, *, form=None, certificate=None, intro="", submit=""):
    return TemplateResponse(
        request,
        "certificates/admin/action.html",
        {
            "page_title": title,
            "form": form,
            "certificate": certificate,
            "intro": intro,
            "submit_label": submit,
            "index_url": reverse(f"{URL_NAMESPACE}:index"),
        },
    )


def issue_view(request):
    _require_manager(request)
    form = IssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = certificate_issue(
                enrollment=form.cleaned_data["enrollment"],
                issued_by=request.user,
                allow_after_revocation=form.cleaned_data["allow_after_revocation"],
            )
        except CertificateIssueRefused as exc:
            form.add_error(None, exc)
        else:
            audit_record(actor=request.user, action=AuditAction.CERTIFICATE_ISSUE, target=certificate,
                         data={"serial": certificate.serial}, request=request)  # fmt: skip
            messages.success(
                request, _("Certificate %(serial)s is valid.") % {"serial": certificate.serial}
            )
            return redirect(f"{URL_NAMESPACE}:index")
    return _render(request, _("Issue a certificate"), form=form, submit=_("Issue"))


def reissue_view(request, pk):
    _require_manager(request)
    certificate = _visible_certificate(request, pk)
    if request.method == "POST":
        try:
            new = certificate_reissue(certificate=certificate, issued_by=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            audit_record(actor=request.user, action=AuditAction.CERTIFICATE_REISSUE, target=certificate,
                         data={"serial": certificate.serial, "new_serial": new.serial}, request=request)  # fmt: skip
            messages.success(
                request,
                _("Certificate %(old)s is superseded by %(new)s.")
                % {"old": certificate.serial, "new": new.serial},
            )
        return redirect(f"{URL_NAMESPACE}:index")
    return _render(
        request,
        _("Re-issue certificate %(serial)s") % {"serial": certificate.serial},
        certificate=certificate,
        intro=_(
            "A new certificate is issued with the learner's current names and unit; this one "
            "becomes superseded and its public page links to the new one."
        ),
        submit=_("Re-issue"),
    )


def revoke_view(request, pk):
    _require_manager(request)
    certificate = _visible_certificate(request, pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate_revoke(
                certificate=certificate, revoked_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            audit_record(actor=request.user, action=AuditAction.CERTIFICATE_REVOKE, target=certificate,
                         data={"serial": certificate.serial, "reason": form.cleaned_data["reason"]},
                         request=request)  # fmt: skip
            messages.success(
                request, _("Certificate %(serial)s is revoked.") % {"serial": certificate.serial}
            )
            return redirect(f"{URL_NAMESPACE}:index")
    return _render(
        request,
        _("Revoke certificate %(serial)s") % {"serial": certificate.serial},
        form=form,
        certificate=certificate,
        intro=_(
            "The public verification page will show the certificate as revoked, with the date and reason."
        ),
        submit=_("Revoke"),
    )


def download_view(request, pk):
    if not CertificatePermissionPolicy(Certificate).user_has_permission(request.user, "view"):
        raise PermissionDenied
    certificate = _visible_certificate(request, pk)
    return FileResponse(
        certificate.pdf.open("rb"), as_attachment=True, filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )  # fmt: skip


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "doc-full"
    menu_label = gettext_lazy("Certificates")
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    list_display = ["serial", "learner_name", "course_title", "status", "issued_at", "valid_until"]
    list_filter = ["status"]
    search_fields = ["serial"]
    search_backend_name = None
    ordering = ["-issued_at"]
    form_fields = ["revocation_reason"]  # never used: editing is refused
    inspect_view_enabled = True
    inspect_view_fields = [
        "serial", "uuid", "status", "issued_at", "issued_by", "enrollment", "template",
        "sha256", "signature_backend", "revoked_at", "revocation_reason", "revoked_by",
        "superseded_by", "superseded_at", "valid_until", "renewal_reminded_at", "snapshot",
    ]  # fmt: skip

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("issue/", issue_view, name="issue"),
            path("reissue/<int:pk>/", reissue_view, name="reissue"),
            path("revoke/<int:pk>/", revoke_view, name="revoke"),
            path("download/<int:pk>/", download_view, name="download"),
        ]


class CertificateTemplateViewSet(ModelViewSet):
    model = CertificateTemplate
    icon = "form"
    menu_label = gettext_lazy("Certificate templates")
    list_display = ["name", "signatory_name_fr", "signatory_name_ar", "layout_version"]
    search_fields = ["name"]
    search_backend_name = None
    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("signatory_name_fr"), FieldPanel("signatory_name_ar")]),
                FieldRowPanel([FieldPanel("signatory_title_fr"), FieldPanel("signatory_title_ar")]),
            ],
            heading=gettext_lazy("Signatory"),
        ),
        FieldRowPanel([FieldPanel("logo"), FieldPanel("seal")]),
        FieldPanel("layout_version"),
        InlinePanel(
            "course_links",
            heading=gettext_lazy("Courses"),
            label=gettext_lazy("Course"),
            panels=[PageChooserPanel("course", page_type="courses.CoursePage")],
        ),
    ]


class CertificatesViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Certificates")
    menu_icon = "doc-full"
    menu_order = 700
    items = (
        CertificateViewSet(URL_NAMESPACE),
        CertificateTemplateViewSet("certificate_templates"),
    )


register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))

"""Wagtail admin for H5P: activities (snippets), package uploads with their status, and the
shared library store (versions, packages using them, blocking, patch upgrades)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import H5PActivity, H5PLibrary, H5PPackage
from .selectors import h5p_import_report_lines
from .services import (
    H5PValidationError,
    h5p_activity_replace_package,
    h5p_library_set_blocked,
    h5p_library_set_patch_upgrades,
    h5p_package_approve_libraries,
    h5p_package_delete,
    h5p_package_import,
    may_install_libraries,
)


class H5PActivityEditView(SnippetEditView):
    """Choosing another package plays its content in every lesson; results are kept and
    resume states of the old content dropped (``h5p_activity_replace_package``)."""

    def save_instance(self):
        new_package = self.form.cleaned_data.get("package")
        old_package_id = self.form.initial.get("package")
        replaced = new_package is not None and new_package.pk != old_package_id
        if replaced:
            self.form.instance.package_id = old_package_id
        instance = super().save_instance()
        if replaced:
            instance = h5p_activity_replace_package(activity=instance, package=new_package)
        return instance


class H5PActivityViewSet(SnippetViewSet):
    model = H5PActivity
    edit_view_class = H5PActivityEditView
    icon = "code"
    menu_label = _("Activities")
    menu_name = "h5p-activities"
    list_display = ["title", "key", "language", "package"]
    list_filter = ["language"]
    search_fields = ["title", "key"]


# --- Packages -------------------------------------------------------------------------


class H5PPackageUploadForm(WagtailAdminModelForm):
    file = forms.FileField(
        label=_("H5P file"),
        help_text=_("An .h5p file exported with its libraries."),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p,application/zip"}),
    )

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The package's language"))] + list(settings.LANGUAGES),
        help_text=_(
            'Packages downloaded from the H5P Hub often say no language ("und"): choose it here.'
        ),
    )

    class Meta:
        model = H5PPackage
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _(
            "Leave empty to use the title in the package (or the file's name when the package "
            'has only the H5P Hub\'s "Hub Download").'
        )


class H5PPackageUploadView(generic.CreateView):
    form_class = H5PPackageUploadForm
    page_title = _("Upload an H5P package")
    submit_button_label = _("Upload")

    def get_panel(self):
        return None

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = h5p_package_import(
                    file=form.cleaned_data["file"],
                    title=form.cleaned_data.get("title") or None,
                    uploaded_by=self.request.user,
                    language=form.cleaned_data.get("language") or None,
                )
        except H5PValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
            self.produced_error_code = "validation_error"
            self.produced_error_message = _("The package was refused.")
            return self.form_invalid(form)
        if getattr(self.object, "reused", False):
            messages.info(
                self.request,
                _(
                    'This file was already uploaded as the package "%(title)s": that '
                    "package is reused, nothing was added."
                )
                % {"title": self.object.title},
            )
            return redirect(self.get_success_url())
        self.object.refresh_from_db()
        for line in h5p_import_report_lines(self.object.import_report):
            messages.info(self.request, line)
        if self.object.status == H5PPackage.Status.HELD:
            messages.warning(
                self.request,
                _(
                    "This package brings new H5P libraries (%(libraries)s). New libraries "
                    "run code for every learner: a platform administrator must approve them "
                    "before the package can be used. Nothing has been installed yet."
                )
                % {"libraries": ", ".join(self.object.new_libraries)},
            )
        return self.save_action()


class H5PPackageDeleteView(generic.DeleteView):
    def delete_action(self):
        h5p_package_delete(package=self.object)


class H5PPackageEditForm(WagtailAdminModelForm):
    approve_libraries = forms.BooleanField(
        label=_("Approve and install the new libraries"),
        required=False,
        help_text=_("Only for libraries you trust: their code runs for every learner."),
    )

    class Meta:
        model = H5PPackage
        fields = ["title", "language"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        held = self.instance.status == H5PPackage.Status.HELD
        if not (held and may_install_libraries(for_user)):
            del self.fields["approve_libraries"]
        else:
            libraries = ", ".join(self.instance.new_libraries)
            self.fields[
                "approve_libraries"
            ].help_text = f"{libraries}. {self.fields['approve_libraries'].help_text}"


class H5PPackageEditView(generic.EditView):
    def get_panel(self):
        return None

    def save_instance(self):
        package = super().save_instance()
        if self.form.cleaned_data.get("approve_libraries"):
            package = h5p_package_approve_libraries(package=package, user=self.request.user)
        return package


class H5PPackageInspectView(generic.InspectView):
    def get_field_display_value(self, field_name, field):
        if field_name == "import_report":
            lines = h5p_import_report_lines(self.object.import_report)
            return format_html_join("", "<p>{}</p>", ((line,) for line in lines)) or "-"
        return super().get_field_display_value(field_name, field)


def _errors_text(package):
    return "; ".join(
        " ".join(
            filter(
                None, [e.get("file"), f"[{e['field']}]" if e.get("field") else "", e.get("message")]
            )
        )
        for e in package.errors or []
    )


class H5PPackageViewSet(ModelViewSet):
    model = H5PPackage
    icon = "upload"
    menu_label = _("Packages")
    name = "h5p-packages"
    add_view_class = H5PPackageUploadView
    edit_view_class = H5PPackageEditView
    delete_view_class = H5PPackageDeleteView
    inspect_view_class = H5PPackageInspectView
    form_fields = ["title"]
    list_display = [
        "title",
        "status",
        "language",
        "main_library",
        Column("errors", label=_("Errors"), accessor=_errors_text),
        "created_at",
    ]
    list_filter = ["status", "language"]
    search_fields = ["title", "source_name"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "title",
        "status",
        "errors",
        "new_libraries",
        "libraries_approved_by",
        "import_report",
        "language",
        "main_library",
        "source_name",
        "libraries",
        "uploaded_by",
        "created_at",
    ]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return H5PPackageEditForm if for_update else H5PPackageUploadForm


# --- Libraries ------------------------------------------------------------------------


class LibraryPermissionPolicy(ModelPermissionPolicy):
    """Libraries come from packages only: never added or deleted by hand."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class H5PLibraryForm(WagtailAdminModelForm):
    class Meta:
        model = H5PLibrary
        fields = ["is_blocked", "allow_patch_upgrade"]


class H5PLibraryEditView(generic.EditView):
    def save_instance(self):
        library = self.form.instance
        data = self.form.cleaned_data
        library.refresh_from_db()
        h5p_library_set_blocked(library=library, blocked=data["is_blocked"])
        h5p_library_set_patch_upgrades(library=library, allowed=data["allow_patch_upgrade"])
        return library


class H5PLibraryIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(package_count=Count("packages"))
            .prefetch_related("packages")
        )


def _packages_text(library):
    return ", ".join(p.title for p in library.packages.all()[:5]) + (
        "…" if getattr(library, "package_count", 0) > 5 else ""
    )


class H5PLibraryViewSet(ModelViewSet):
    model = H5PLibrary
    icon = "folder-open-inverse"
    menu_label = _("Libraries")
    name = "h5p-libraries"
    index_view_class = H5PLibraryIndexView
    edit_view_class = H5PLibraryEditView
    list_display = [
        "machine_name",
        Column("version", label=_("Version"), accessor="version"),
        "title",
        Column("package_count", label=_("Packages"), accessor="package_count"),
        Column("packages", label=_("Used by"), accessor=_packages_text),
        "is_blocked",
        "allow_patch_upgrade",
    ]
    list_filter = ["is_blocked", "runnable"]
    search_fields = ["machine_name", "title"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "machine_name",
        "version",
        "title",
        "runnable",
        "is_blocked",
        "allow_patch_upgrade",
        "packages",
        "created_at",
        "updated_at",
    ]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return H5PLibraryForm


class H5PViewSetGroup(ViewSetGroup):
    items = (H5PActivityViewSet, H5PPackageViewSet, H5PLibraryViewSet)
    menu_icon = "code"
    menu_label = _("H5P")
    menu_name = "h5p"

"""Wagtail admin for H5P: activities (snippets), package uploads with their status, and the
shared library store (versions, packages using them, blocking, patch upgrades)."""

from django import forms
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import H5PActivity, H5PLibrary, H5PPackage
from .services import (
    H5PValidationError,
    h5p_library_set_blocked,
    h5p_library_set_patch_upgrades,
    h5p_package_delete,
    h5p_package_import,
)


class H5PActivityViewSet(SnippetViewSet):
    model = H5PActivity
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

    class Meta:
        model = H5PPackage
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to use the title in the package.")


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
                )
        except H5PValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
            self.produced_error_code = "validation_error"
            self.produced_error_message = _("The package was refused.")
            return self.form_invalid(form)
        return self.save_action()


class H5PPackageDeleteView(generic.DeleteView):
    def delete_action(self):
        h5p_package_delete(package=self.object)


class H5PPackageEditForm(WagtailAdminModelForm):
    class Meta:
        model = H5PPackage
        fields = ["title"]


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
    delete_view_class = H5PPackageDeleteView
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

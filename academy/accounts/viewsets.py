from django.urls import path
from wagtail.users.views.users import UserViewSet

from .erasure_admin import URL_NAME, erase_personal_data_view
from .forms import AcademyUserCreationForm, AcademyUserEditForm


class AcademyUserViewSet(UserViewSet):
    """Wagtail's user admin with the employee profile and the HR scope."""

    list_export = [
        "username",
        "matricule",
        "last_name",
        "first_name",
        "last_name_ar",
        "first_name_ar",
        "email",
        "unit",
        "job_title",
    ]

    def get_form_class(self, for_update=False):
        return AcademyUserEditForm if for_update else AcademyUserCreationForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/erase-personal-data/", erase_personal_data_view, name=URL_NAME)
        ]

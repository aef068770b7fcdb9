"""Wagtail admin for the DigComp reference data (snippets) and quiz attempts (read-only)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.models import Competence, CompetenceArea


class CompetenceAreaViewSet(SnippetViewSet):
    model = CompetenceArea
    icon = "folder-open-inverse"
    menu_label = _("Competence areas")
    menu_name = "competence-areas"
    list_display = ["code", "name_fr", "name_ar"]
    search_fields = ["code", "name_fr", "name_ar"]
    ordering = ["code"]
    search_backend_name = None  # plain database lookups: the reference data is small
    panels = [FieldPanel("code"), FieldPanel("name_fr"), FieldPanel("name_ar")]


class CompetenceViewSet(SnippetViewSet):
    model = Competence
    icon = "tag"
    menu_label = _("Competences")
    menu_name = "competences"
    list_display = ["code", "name_fr", "name_ar", "area"]
    list_filter = ["area"]
    search_fields = ["code", "name_fr", "name_ar"]
    ordering = ["code"]
    search_backend_name = None  # plain database lookups: the reference data is small
    panels = [FieldPanel("area"), FieldPanel("code"), FieldPanel("name_fr"), FieldPanel("name_ar")]


class DigCompViewSetGroup(SnippetViewSetGroup):
    items = (CompetenceAreaViewSet, CompetenceViewSet)
    menu_icon = "tag"
    menu_label = _("DigComp 2.2")
    menu_name = "digcomp"

"""StreamField blocks for H5P activities."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class H5PActivityBlock(blocks.StructBlock):
    """An H5P activity (snippet) played inside a lesson; the player loads when scrolled into view."""

    activity = SnippetChooserBlock("h5p.H5PActivity", label=_("H5P activity"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        template = "h5p/blocks/h5p_activity.html"
        icon = "code"
        label = _("H5P activity")

    def get_context(self, value, parent_context=None):
        from .selectors import h5p_player_context

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        page = (parent_context or {}).get("page")
        context["player"] = h5p_player_context(
            activity=value.get("activity"), request=request, page=page
        )
        return context

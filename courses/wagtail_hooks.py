from wagtail.snippets.models import register_snippet

from courses.viewsets import DigCompViewSetGroup

register_snippet(DigCompViewSetGroup)

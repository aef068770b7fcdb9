from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .models import H5PLibrary
from .viewsets import H5PViewSetGroup, LibraryPermissionPolicy

register_permission_policy(H5PLibrary, LibraryPermissionPolicy(H5PLibrary))
# register_snippet defers until models are loaded; the activity viewset in the group is a
# snippet (chosen into lesson bodies), packages and libraries are plain model viewsets.
register_snippet(H5PViewSetGroup)

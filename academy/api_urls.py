"""REST API: xAPI statements, HR reporting."""

urlpatterns = []

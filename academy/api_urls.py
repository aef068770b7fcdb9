"""REST API: xAPI statements, HR reporting."""

from django.urls import include, path

from diagnostic.api import MaturityView
from learners.api import StatementsView

urlpatterns = [
    path("xapi/statements", StatementsView.as_view(), name="xapi-statements"),
    path("hr/maturity/", MaturityView.as_view(), name="hr-maturity"),
    path("hr/", include("hr.api_urls")),
]

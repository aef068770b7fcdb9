"""Certificate URLs, outside the language prefixes: ``/verify/<uuid>/`` is
printed (as a QR code) on every certificate and must never change."""

from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:key>/", views.verify_detail, name="verify_detail"),
    path("certificates/<uuid:uuid>/download/", views.download, name="download"),
    path("certificates/<uuid:uuid>/renew/", views.renew, name="renew"),
]

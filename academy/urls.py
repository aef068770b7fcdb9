from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from academy.accounts.views import set_language
from academy.core.views import favicon, root_redirect

urlpatterns = [
    path("", root_redirect, name="root"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("certificates.urls")),
    path("api/", include("academy.api_urls")),
    path("", include("courses.h5p.urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("academy.accounts.urls")),
    path("learn/", include("learners.urls")),
    path("courses-app/", include("courses.urls")),
    path("hr/", include("hr.urls")),
    path("diagnostic/", include("diagnostic.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns

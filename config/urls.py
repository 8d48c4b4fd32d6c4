from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from .api_docs import RedocView, SwaggerView
from .views import liveness, readiness

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("search.api.urls")),
    path("", include("marketplace.api.urls")),
    path("", include("maturity.api.urls")),
    path("", include("events.api.urls")),
    path("", include("changes.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
]

urlpatterns = [
    # /healthz is the address probes used before liveness and readiness were told apart.
    path("healthz", readiness, name="healthz"),
    path("healthz/live", liveness, name="healthz-live"),
    path("healthz/ready", readiness, name="healthz-ready"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("catalog.urls")),
    path("", include("search.urls")),
    path("", include("marketplace.urls")),
    path("", include("events.urls")),
    path("", include("maturity.urls")),
    path("", include("accounts.members.urls")),
]
# No route serves MEDIA_ROOT, not even under DEBUG: every stored file is private and leaves
# storage only through a view that checks who asks (core.files).

# Unmatched URLs under /api/ answer in problem details, like every API error.
handler404 = "core.api.problems.page_not_found"
handler500 = "core.api.problems.server_error"

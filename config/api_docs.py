"""The API's documentation pages (Swagger UI, ReDoc), served offline.

drf-spectacular-sidecar serves their scripts and styles from the site; what they would still
fetch from elsewhere by themselves (ReDoc's sidebar shows a logo from cdn.redoc.ly whatever
its options say) is refused by the browser: these pages allow only the site's own origin
(plus inline code, data: and blob: URLs the two bundles build themselves)."""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

DOCS_CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
])


class OnlyOwnOrigin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response


class SwaggerView(OnlyOwnOrigin, SpectacularSwaggerView):
    pass


class RedocView(OnlyOwnOrigin, SpectacularRedocView):
    pass

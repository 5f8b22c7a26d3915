"""Security headers Django does not set by itself."""

from django.conf import settings

from outsidein.common.client_address import FORWARDING_HEADERS, client_address, is_trusted_proxy

# Everything is served by the application itself (no CDN), so 'self' is enough.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The Django admin uses inline scripts; it is for super-users only.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not settings.DEBUG:
            response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class TrustedProxyMiddleware:
    """First in the chain: believe X-Forwarded-For/-Proto only from a configured proxy (decision 0013).

    From a trusted proxy, REMOTE_ADDR becomes the real client address and X-Forwarded-Proto stays
    for SECURE_PROXY_SSL_HEADER; from anyone else every forwarding header is dropped, so nothing
    after this (HTTPS redirect, lockout, rate limits) can be fooled by a header a client made up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            request.META["REMOTE_ADDR"] = client_address(request)
        else:
            for header in FORWARDING_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)

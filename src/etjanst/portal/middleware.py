from django.conf import settings

from .views.errors import request_too_large


class RequestSizeLimitMiddleware:
    """Refuse bodies larger than any e-service accepts before reading them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ETJANST_MAX_REQUEST_SIZE:
            return request_too_large(request)
        return self.get_response(request)

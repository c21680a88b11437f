from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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


class LanguageMiddleware(LocaleMiddleware):
    """Swedish unless the resident chose English with the language switch.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not
    followed: a municipality's site is Swedish by default."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

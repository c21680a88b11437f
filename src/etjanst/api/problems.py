"""Errors as RFC 9457 problem details (application/problem+json), with a
Swedish title and detail. Nothing was changed when one is returned."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:etjanst:problem:"

TITLES = {
    400: gettext_lazy("Felaktig begäran"),
    401: gettext_lazy("Inloggning krävs"),
    403: gettext_lazy("Åtkomst nekad"),
    404: gettext_lazy("Finns inte"),
    405: gettext_lazy("Metoden stöds inte"),
    409: gettext_lazy("Konflikt"),
    413: gettext_lazy("För stor begäran"),
    415: gettext_lazy("Fel innehållstyp"),
    422: gettext_lazy("Ogiltiga uppgifter"),
    429: gettext_lazy("För många anrop"),
}


class Problem(Exception):
    """Raised by the API's views; turned into a problem-details response."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        errors: list | None = None,
        headers: dict | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.detail = str(detail)
        self.title = str(title) if title else str(TITLES.get(status, _("Fel")))
        self.errors = errors
        self.headers = headers or {}
        super().__init__(self.detail)


def problem_response(request, problem: Problem) -> HttpResponse:
    body = {
        "type": TYPE_BASE + problem.code,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.path,
    }
    if problem.errors:
        body["errors"] = problem.errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=problem.status, content_type=CONTENT_TYPE
    )
    for name, value in problem.headers.items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


def not_found(detail: str | None = None) -> Problem:
    return Problem(
        404, "not-found", detail or _("Det finns inget sådant ärende som ni har åtkomst till.")
    )

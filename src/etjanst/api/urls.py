"""/api/v1/: the API, its OpenAPI 3.1 schema (/api/v1/schema/) and its docs
(/api/v1/docs/, Swagger UI served from our own static files)."""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .archive import router as archive_router
from .auth import ClientToken
from .problems import CONTENT_TYPE, Problem, problem_response
from .views import router

DESCRIPTION = """Etjänsts API för ärendehanteringssystem och e-arkiv: hämta ärenden,
bilagor och kvitton, följ händelser, ändra status, skicka meddelanden och bekräfta
leverans. Se docs/api.md. Fel ges som problem details (RFC 9457) med svensk text."""


class EtjanstApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Error answers are application/problem+json, as sent."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(code) >= 400 and "application/json" in content:
                        content[CONTENT_TYPE] = content.pop("application/json")
        return schema


api = EtjanstApi(
    title="Etjänst API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=ClientToken(),
    openapi_url="/schema/",
    docs_url="/docs/",
    # No call to the validator badge at swagger.io: nothing leaves the network.
    docs=Swagger(settings={"validatorUrl": None, "tryItOutEnabled": False, "deepLinking": False}),
)
api.add_router("", router)
api.add_router("", archive_router)


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return problem_response(request, exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem_response(
        request,
        Problem(
            401,
            "unauthenticated",
            _("Ange en giltig API-nyckel: Authorization: Bearer etj_…"),
            headers={"WWW-Authenticate": 'Bearer realm="etjanst"'},
        ),
    )


# Pydantic's messages are English: the common kinds in Swedish; the kind
# itself stays in "type" for machines.
FIELD_MESSAGES = {
    "missing": _lazy("Uppgiften saknas."),
    "int_parsing": _lazy("Ange ett heltal."),
    "int_type": _lazy("Ange ett heltal."),
    "greater_than_equal": _lazy("Värdet är för litet."),
    "less_than_equal": _lazy("Värdet är för stort."),
    "string_type": _lazy("Ange en text."),
    "string_too_short": _lazy("Texten är för kort."),
    "string_too_long": _lazy("Texten är för lång."),
    "date_parsing": _lazy("Ange ett datum som ÅÅÅÅ-MM-DD."),
    "date_from_datetime_parsing": _lazy("Ange ett datum som ÅÅÅÅ-MM-DD."),
    "datetime_parsing": _lazy("Ange en tidpunkt enligt ISO 8601."),
    "datetime_from_date_parsing": _lazy("Ange en tidpunkt enligt ISO 8601."),
    "uuid_parsing": _lazy("Ange ett UUID."),
    "bool_parsing": _lazy("Ange true eller false."),
    "enum": _lazy("Värdet är inte ett av de tillåtna."),
    "literal_error": _lazy("Värdet är inte ett av de tillåtna."),
    "json_invalid": _lazy("Innehållet är inte giltig JSON."),
    "model_attributes_type": _lazy("Ange ett JSON-objekt."),
    "dict_type": _lazy("Ange ett JSON-objekt."),
    "list_type": _lazy("Ange en lista."),
    "extra_forbidden": _lazy("Uppgiften finns inte i API:et."),
}


def _field_error(error: dict) -> dict:
    kind = str(error.get("type", ""))
    return {
        "field": ".".join(str(part) for part in error.get("loc", ())),
        "message": str(FIELD_MESSAGES.get(kind, _lazy("Värdet är inte giltigt."))),
        "type": kind,
    }


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [_field_error(error) for error in exc.errors]
    # Input that does not match the schema is a bad request (400); 422 is
    # kept for well-formed input that a rule refuses (an unknown status).
    return problem_response(
        request,
        Problem(
            400,
            "validation-error",
            _("Uppgifterna i begäran stämmer inte med API:ets schema. Se errors."),
            errors=errors,
        ),
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:
        problem = Problem(
            400, "malformed-body", _("Begärans innehåll är inte giltig JSON. Ingenting ändrades.")
        )
    else:
        problem = Problem(exc.status_code, "http-error", _("Begäran kunde inte tas emot."))
    return problem_response(request, problem)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(request, Problem(404, "not-found", _("Adressen finns inte.")))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return problem_response(
        request,
        Problem(
            413,
            "too-large",
            _("Begäran är för stor. Ingenting ändrades."),
        ),
    )


def unknown_address(request, rest: str = ""):
    """Any other address under /api/: a problem, never the HTML 404 page."""
    return problem_response(
        request,
        Problem(404, "not-found", _("Adressen finns inte i API:et. Se /api/v1/docs/.")),
    )

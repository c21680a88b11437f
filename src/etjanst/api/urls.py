"""/api/v1/: the API, its OpenAPI 3.1 schema (/api/v1/schema/) and its docs
(/api/v1/docs/, Swagger UI served from our own static files)."""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
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


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "message": str(error.get("msg", "")),
        }
        for error in exc.errors
    ]
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

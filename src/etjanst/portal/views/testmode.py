"""The builder's test runs ("Testa e-tjänsten") on the resident's own pages.

An administrator who started a test run in the builder fills in the draft on
the very pages a resident uses (intro, steps, review), with a "Testläge"
banner on each. `test_run_aware` finds the run for the page's e-service in
the administrator's session (`submissions.testmode.active_run`: their own,
not expired, an e-service they build) and puts it on `request.test_run`, and
the test person (if any) on `request.person` for this request only: it is
never a login. Anyone else's request has no test run, so a draft version is
never reachable by a resident or an officer."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from etjanst.eservices.presentation import summarise
from etjanst.submissions import testmode
from etjanst.submissions.session import FormSession


def test_run_aware(view):
    """For the filling pages: the administrator's test run of the e-service,
    if this session has one, on `request.test_run` (else None)."""

    @wraps(view)
    def wrapper(request, slug: str, *args, **kwargs):
        request.test_run = None
        if testmode.TEST_RUNS_KEY in request.session:
            run = testmode.active_run(session=request.session, slug=slug, user=request.user)
            if run is not None:
                request.test_run = run
                request.person = testmode.run_person(run)
        response = view(request, slug, *args, **kwargs)
        if request.test_run is not None:
            response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


def form_session(request, eservice) -> FormSession:
    """The form in progress: the test run's own when testing."""
    if getattr(request, "test_run", None) is not None:
        return testmode.test_form(request.session, request.test_run)
    return FormSession(request.session, eservice)


@test_run_aware
def test_receipt(request, slug: str):
    """What Skicka in the test run would have done (nothing was sent)."""
    run = request.test_run
    if run is None:
        raise Http404
    receipt = testmode.test_receipt(run)
    if receipt is None:
        return redirect("portal:intro", slug=slug)
    return render(
        request,
        "portal/test_receipt.html",
        {
            "eservice": run.eservice,
            "run": run,
            "receipt": receipt,
            "sections": summarise(run.version.definition, run.answers),
        },
    )


@test_run_aware
def test_end(request, slug: str):
    """Avsluta testet: the run and its answers are deleted; back to the builder."""
    run = request.test_run
    if run is None:
        raise Http404
    if request.method != "POST":
        return redirect("portal:intro", slug=slug)
    eservice_id = run.eservice_id
    testmode.end_test_run(session=request.session, run=run)
    messages.info(request, _("Testet är avslutat. Inget skickades in."))
    return redirect(reverse("staff:builder_eservice", args=[eservice_id]))

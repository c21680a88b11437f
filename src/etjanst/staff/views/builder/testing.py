"""Testa e-tjänsten: starting a test run (the rules are in
submissions.testmode; the run itself is on the resident's pages)."""

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etjanst.people.access import may_build
from etjanst.submissions import testmode

from ..access import staff_view
from .base import eservice_for


class TestRunForm(forms.Form):
    person = forms.ChoiceField(
        label=gettext_lazy("Fyll i som"),
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Testpersonerna är Skatteverkets testpersonnummer, som inte tillhör någon verklig "
            "person. Deras uppgifter hämtas från folkbokföringen när kommunen har förifyllning."
        ),
    )

    email_me = forms.BooleanField(required=False)

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Inte inloggad"))] + [
            (p.personnummer, p.label) for p in testmode.TEST_PERSONS
        ]
        self.fields["person"].required = False
        if email:
            self.fields["email_me"].label = _(
                "Skicka bekräftelsen per e-post till mig (%(email)s)"
            ) % {"email": email}
            self.fields["email_me"].help_text = _(
                "Om e-tjänsten skickar en bekräftelse får du den, märkt som test. Den går "
                "aldrig till adressen i svaren."
            )
        else:
            del self.fields["email_me"]


@staff_view(may_build)
def test(request, eservice_id: int):
    """Testa e-tjänsten: start a test run of the draft, as a resident would
    fill it in, on the resident's pages with a Testläge banner."""
    eservice = eservice_for(request, eservice_id)
    form = TestRunForm(request.POST or None, initial={"person": ""}, email=request.user.email)
    if request.method == "POST" and form.is_valid():
        try:
            testmode.start_test_run(
                session=request.session,
                eservice=eservice,
                actor=request.user,
                personnummer=form.cleaned_data["person"],
                email_me=form.cleaned_data.get("email_me", False),
            )
        except testmode.TestModeError as exc:
            form.add_error("person" if exc.field else None, exc.message)
        else:
            return redirect(reverse("portal:intro", args=[eservice.slug]))
    version = testmode.version_to_test(eservice)
    return render(
        request,
        "staff/builder/test.html",
        {"eservice": eservice, "form": form, "version": version},
        status=400 if form.errors else 200,
    )

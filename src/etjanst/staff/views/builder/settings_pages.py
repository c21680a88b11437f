"""An e-service's settings: creating one, and changing them (refused when
another administrator saved them since the page was loaded)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from etjanst.eservices import builder
from etjanst.eservices.models import EService
from etjanst.organisation.models import RetentionRule
from etjanst.people.access import may_build

from ..access import staff_view
from .base import add_errors, committees_for, eservice_for, may_use_committee


class SettingsForm(forms.ModelForm):
    class Meta:
        model = EService
        fields = builder.SETTINGS_FIELDS
        widgets = {
            "what_you_need": forms.Textarea(attrs={"rows": 4}),
            "intro_text": forms.Textarea(attrs={"rows": 6}),
            "after_submit_text": forms.Textarea(attrs={"rows": 4}),
            "personal_data_text": forms.Textarea(attrs={"rows": 4}),
            "pd_purpose": forms.Textarea(attrs={"rows": 3}),
            "pd_recipients": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees_for(user)
        self.fields["retention_rule"].queryset = RetentionRule.objects.select_related("committee")
        for field in self.fields.values():
            widget = field.widget
            if not isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "input")
            # Length and format are checked by the action, with Swedish messages.
            widget.attrs.pop("maxlength", None)

    def _post_clean(self):
        """The model's own validation runs in the action (one place)."""


def _settings_values(form: SettingsForm) -> dict:
    return {name: form.cleaned_data.get(name) for name in builder.SETTINGS_FIELDS}


@staff_view(may_build)
def create(request):
    form = SettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            eservice = builder.create_eservice(
                actor=request.user,
                values=_settings_values(form),
                may_use_committee=may_use_committee(request.user),
            )
        except builder.BuilderError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("E-tjänsten skapades. Lägg nu till steg och frågor."))
            return redirect("staff:builder_eservice", eservice.pk)
    return render(
        request,
        "staff/builder/settings.html",
        {"form": form, "creating": True, "eservice": None},
        status=400 if form.errors else 200,
    )


@staff_view(may_build)
def settings(request, eservice_id: int):
    eservice = eservice_for(request, eservice_id)
    token = builder.settings_token(eservice)
    form = SettingsForm(request.POST or None, instance=eservice, user=request.user)
    if request.method == "POST":
        # The page's own token stays, so saving again after a refusal is refused again.
        token = request.POST.get("revision", "")
    if request.method == "POST" and form.is_valid():
        try:
            builder.update_settings(
                eservice=EService.objects.get(pk=eservice.pk),
                actor=request.user,
                values=_settings_values(form),
                may_use_committee=may_use_committee(request.user),
                token=token,
            )
        except builder.BuilderError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Inställningarna sparades."))
            return redirect("staff:builder_eservice", eservice.pk)
    return render(
        request,
        "staff/builder/settings.html",
        {"form": form, "creating": False, "eservice": eservice, "token": token},
        status=400 if form.errors else 200,
    )

"""API clients and their webhooks, for administrators (/handlaggning/integrationer/):
superusers and staff with the permission `integrations.change_apiclient`.
Every change goes through `integrations.actions`; a new token or signing
secret is shown once, on the page that answers the POST (never stored in
clear, never in a URL), with `Cache-Control: no-store`."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from etjanst.eservices.models import EService
from etjanst.integrations import actions, queries, reports
from etjanst.integrations.access import may_manage_integrations
from etjanst.integrations.constants import EVENT_LABELS, Permission
from etjanst.integrations.models import ApiClient, OutboxMessage, WebhookEndpoint
from etjanst.organisation.models import Committee

from .access import staff_view

PAGE_SIZE = 50
STATES = {
    "misslyckade": OutboxMessage.State.FAILED,
    "vantar": OutboxMessage.State.PENDING,
    "levererade": OutboxMessage.State.DELIVERED,
}


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if not isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "input")


class ClientForm(_Styled):
    name = forms.CharField(
        label=gettext_lazy("Systemets namn"),
        max_length=100,
        help_text=gettext_lazy("Visas för invånaren när systemet läser ärendet, t.ex. ”Platina”."),
    )
    contact_email = forms.EmailField(
        label=gettext_lazy("Kontakt (e-post)"),
        required=False,
        help_text=gettext_lazy(
            "Systemets förvaltare. Får sammanställningen av misslyckade leveranser."
        ),
    )
    eservices = forms.ModelMultipleChoiceField(
        label=gettext_lazy("E-tjänster som systemet ser"),
        queryset=EService.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    committees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Nämnder som systemet ser"),
        help_text=gettext_lazy("Alla e-tjänster som nämnden äger."),
        queryset=Committee.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    permissions = forms.MultipleChoiceField(
        label=gettext_lazy("Behörigheter"),
        choices=Permission.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    required_for = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Gallringen väntar på systemets bekräftelse i e-tjänsterna"),
        help_text=gettext_lazy(
            "Ett ärende i de här e-tjänsterna gallras inte förrän systemet har bekräftat "
            "att det har tagit emot ärendet."
        ),
        queryset=EService.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class NewClientForm(ClientForm):
    token_valid_to = forms.DateField(
        label=gettext_lazy("Nyckeln gäller till och med (ÅÅÅÅ-MM-DD)"),
        required=False,
        help_text=gettext_lazy("Tomt: tills nyckeln byts eller spärras."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_token_valid_to(self):
        day = self.cleaned_data.get("token_valid_to")
        if day and day < timezone.localdate():
            raise forms.ValidationError(_("Datumet har redan passerat."))
        return day


class EndpointForm(_Styled):
    url = forms.CharField(
        label=gettext_lazy("Adress (https)"),
        max_length=500,
        help_text=gettext_lazy(
            "Dit händelserna skickas, t.ex. https://platina.exempelby.se/etjanst/hook."
        ),
        widget=forms.URLInput,
    )
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Händelser"),
        help_text=gettext_lazy("Välj inga för att få alla."),
        choices=list(EVENT_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    delivered_on_2xx = forms.BooleanField(
        label=gettext_lazy("Ett svar 2xx räknas som levererat"),
        help_text=gettext_lazy(
            "Annars räknas ett ärende som levererat först när systemet bekräftar det via API:et."
        ),
        required=False,
    )


class EndpointChangeForm(_Styled):
    event_types = EndpointForm.base_fields["event_types"]
    delivered_on_2xx = EndpointForm.base_fields["delivered_on_2xx"]
    enabled = forms.BooleanField(label=gettext_lazy("Påslagen"), required=False)


def _client(client_id: int) -> ApiClient:
    return get_object_or_404(ApiClient, pk=client_id)


def _endpoint(client: ApiClient, endpoint_id: int) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, pk=endpoint_id, client=client)


def _shown_once(request, client, *, token="", secret="", endpoint=None):
    """The page with a new token or secret: the one time it is shown."""
    response = render(
        request,
        "staff/integrations/shown_once.html",
        {"client": client, "token": token, "secret": secret, "endpoint": endpoint},
    )
    response["Cache-Control"] = "no-store"
    return response


def _end_of(day) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@staff_view(may_manage_integrations)
def client_list(request):
    return render(
        request,
        "staff/integrations/list.html",
        {"clients": queries.clients_overview()},
    )


@staff_view(may_manage_integrations)
def client_create(request):
    form = NewClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client, token = actions.create_client(
                name=data["name"],
                permissions=data["permissions"],
                eservices=data["eservices"],
                committees=data["committees"],
                required_for=data["required_for"],
                contact_email=data["contact_email"],
                created_by=request.user,
                token_expires_at=_end_of(data["token_valid_to"]),
            )
        except actions.IntegrationError as exc:
            form.add_error("name", str(exc))
        else:
            return _shown_once(request, client, token=token)
    return render(
        request,
        "staff/integrations/create.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@staff_view(may_manage_integrations)
def client_detail(request, client_id: int):
    client = _client(client_id)
    form = ClientForm(
        request.POST or None,
        initial={
            "name": client.name,
            "contact_email": client.contact_email,
            "eservices": client.eservices.all(),
            "committees": client.committees.all(),
            "permissions": client.permissions,
            "required_for": client.required_for.all(),
        },
    )
    form.fields["name"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_client(
                client=client,
                permissions=data["permissions"],
                eservices=data["eservices"],
                committees=data["committees"],
                required_for=data["required_for"],
                contact_email=data["contact_email"],
            )
        except actions.IntegrationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Ändringarna är sparade."))
            return redirect("staff:integration_client", client_id=client.pk)
    shown = request.GET.get("visa", "misslyckade")
    state = STATES.get(shown)
    page = Paginator(queries.messages_of(client, state), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    endpoints = [
        (
            endpoint,
            EndpointChangeForm(
                prefix=f"e{endpoint.pk}",
                initial={
                    "event_types": endpoint.event_types,
                    "delivered_on_2xx": endpoint.delivered_on_2xx,
                    "enabled": endpoint.disabled_at is None,
                },
            ),
        )
        for endpoint in client.endpoints.order_by("pk")
    ]
    return render(
        request,
        "staff/integrations/detail.html",
        {
            "client": client,
            "form": form,
            "tokens": client.tokens.all(),
            "endpoints": endpoints,
            "endpoint_form": EndpointForm(),
            "event_labels": EVENT_LABELS,
            "page": page,
            "shown": shown,
            "tabs": [
                ("misslyckade", _("Misslyckade")),
                ("vantar", _("Väntar")),
                ("levererade", _("Levererade")),
            ],
            "failed_count": queries.messages_of(client, OutboxMessage.State.FAILED).count(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@staff_view(may_manage_integrations)
def client_rotate(request, client_id: int):
    client = _client(client_id)
    overlap = timedelta(days=7) if request.POST.get("overlap") != "0" else timedelta(0)
    try:
        token = actions.rotate_token(client=client, overlap=overlap)
    except actions.IntegrationError as exc:
        messages.error(request, str(exc))
        return redirect("staff:integration_client", client_id=client.pk)
    return _shown_once(request, client, token=token)


@staff_view(may_manage_integrations)
def client_revoke(request, client_id: int):
    client = _client(client_id)
    if request.method == "POST":
        actions.revoke_client(client=client)
        messages.success(
            request, _("%(name)s är spärrad. Inga nycklar gäller längre.") % {"name": client.name}
        )
        return redirect("staff:integration_client", client_id=client.pk)
    return render(request, "staff/integrations/revoke.html", {"client": client})


@require_POST
@staff_view(may_manage_integrations)
def endpoint_add(request, client_id: int):
    client = _client(client_id)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint, secret = actions.add_endpoint(
                client=client,
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                delivered_on_2xx=form.cleaned_data["delivered_on_2xx"],
            )
        except actions.IntegrationError as exc:
            form.add_error("url", str(exc))
        else:
            return _shown_once(request, client, secret=secret, endpoint=endpoint)
    return render(
        request,
        "staff/integrations/endpoint_add.html",
        {"client": client, "form": form},
        status=400,
    )


@require_POST
@staff_view(may_manage_integrations)
def endpoint_change(request, client_id: int, endpoint_id: int):
    client = _client(client_id)
    endpoint = _endpoint(client, endpoint_id)
    form = EndpointChangeForm(request.POST, prefix=f"e{endpoint.pk}")
    if form.is_valid():
        actions.change_endpoint(
            endpoint=endpoint,
            event_types=form.cleaned_data["event_types"],
            delivered_on_2xx=form.cleaned_data["delivered_on_2xx"],
            enabled=form.cleaned_data["enabled"],
        )
        messages.success(request, _("Webhook-adressen är ändrad."))
    else:
        messages.error(request, _("Ändringen kunde inte sparas. Försök igen."))
    return redirect("staff:integration_client", client_id=client.pk)


@require_POST
@staff_view(may_manage_integrations)
def endpoint_rotate(request, client_id: int, endpoint_id: int):
    client = _client(client_id)
    endpoint = _endpoint(client, endpoint_id)
    secret = actions.rotate_endpoint_secret(endpoint=endpoint)
    endpoint.refresh_from_db()
    return _shown_once(request, client, secret=secret, endpoint=endpoint)


@require_POST
@staff_view(may_manage_integrations)
def message_resend(request, client_id: int, message_id: int):
    client = _client(client_id)
    message = get_object_or_404(OutboxMessage, pk=message_id, endpoint__client=client)
    actions.resend_message(message=message)
    messages.success(request, _("%(id)s skickas igen nu.") % {"id": message.webhook_id})
    return redirect(f"{reverse('staff:integration_client', args=[client.pk])}?visa=vantar")


@require_POST
@staff_view(may_manage_integrations)
def resend_failed(request, client_id: int):
    client = _client(client_id)
    count = actions.resend_failed(client=client)
    messages.success(request, _("%(n)d händelser skickas igen nu.") % {"n": count})
    return redirect(f"{reverse('staff:integration_client', args=[client.pk])}?visa=vantar")


class ReportForm(_Styled):
    fran = forms.DateField(
        label=gettext_lazy("Från och med (ÅÅÅÅ-MM-DD)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    till = forms.DateField(
        label=gettext_lazy("Till och med (ÅÅÅÅ-MM-DD)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("fran"), data.get("till")
        if start and end and end < start:
            self.add_error("till", _("Slutdatumet är före startdatumet."))
        elif start and end and (end - start).days > 366:
            self.add_error("till", _("Perioden får vara högst ett år."))
        return data


REPORT_STATES = {
    reports.State.CONFIRMED: gettext_lazy("Bekräftade"),
    reports.State.SENT: gettext_lazy("Skickade, inte bekräftade"),
    reports.State.PENDING: gettext_lazy("Skickas"),
    reports.State.FAILED: gettext_lazy("Misslyckade"),
    reports.State.OUTSTANDING: gettext_lazy("Inte skickade, inte bekräftade"),
}


@staff_view(may_manage_integrations)
def report(request, client_id: int):
    """The reconciliation report for a period: counts per state here, every
    case as CSV or JSON to download."""
    client = _client(client_id)
    today = timezone.localdate()
    form = ReportForm(
        request.GET if "fran" in request.GET else None,
        initial={"fran": today.replace(day=1), "till": today},
    )
    counts = None
    if form.is_bound and form.is_valid():
        since = timezone.make_aware(datetime.combine(form.cleaned_data["fran"], time.min))
        until = _end_of(form.cleaned_data["till"])
        rows = reports.reconciliation(client=client, since=since, until=until)
        period = f"{form.cleaned_data['fran']}-{form.cleaned_data['till']}"
        name = f"avstamning-{slugify(client.name) or 'system'}-{period}"
        wanted = request.GET.get("format")
        if wanted == "csv":
            response = HttpResponse(reports.as_csv(rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        if wanted == "json":
            response = JsonResponse(
                {
                    "system": client.name,
                    "since": since.isoformat(),
                    "until": until.isoformat(),
                    "items": reports.as_dicts(rows),
                },
                json_dumps_params={"ensure_ascii": False},
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.json"'
            return response
        tally = dict.fromkeys(REPORT_STATES, 0)
        for row in rows:
            tally[row.state] += 1
        counts = [(label, tally[state]) for state, label in REPORT_STATES.items()]
    return render(
        request,
        "staff/integrations/report.html",
        {"client": client, "form": form, "counts": counts, "query": request.GET.urlencode()},
        status=400 if form.errors else 200,
    )

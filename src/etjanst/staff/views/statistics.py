"""The statistics pages (/handlaggning/statistik/): per e-service for those
who administer it, per committee and for the whole municipality for
management (etjanst.statistics.access). Thin: parse the period, check who
asks, ask `statistics.report` and render, or give one figure as CSV."""

import csv
import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etjanst.eservices.models import EServiceVersion
from etjanst.statistics import access, report
from etjanst.statistics.actions import options_for, set_options
from etjanst.statistics.figures import PER, Period

from .access import staff_view

MAX_DAYS = {"dag": 366, "vecka": 3 * 366, "manad": 10 * 366}


class PeriodForm(forms.Form):
    fran = forms.DateField(
        label=gettext_lazy("Från och med"),
        error_messages={"invalid": gettext_lazy("Skriv datumet som ÅÅÅÅ-MM-DD.")},
        widget=forms.DateInput(attrs={"class": "input", "type": "date"}),
    )
    till = forms.DateField(
        label=gettext_lazy("Till och med"),
        error_messages={"invalid": gettext_lazy("Skriv datumet som ÅÅÅÅ-MM-DD.")},
        widget=forms.DateInput(attrs={"class": "input", "type": "date"}),
    )
    per = forms.ChoiceField(
        label=gettext_lazy("Visa per"),
        choices=list(PER.items()),
        error_messages={"invalid_choice": gettext_lazy("Välj dag, vecka eller månad.")},
        widget=forms.Select(attrs={"class": "input"}),
    )
    version = forms.TypedChoiceField(
        label=gettext_lazy("Vilken version"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": gettext_lazy("Välj en av e-tjänstens versioner.")},
        widget=forms.Select(attrs={"class": "input"}),
    )

    def __init__(self, data, *, versions=None):
        today = timezone.localdate()
        merged = {
            "fran": (today - datetime.timedelta(days=29)).isoformat(),
            "till": today,
            "per": "dag",
        }
        merged.update({k: v for k, v in data.items() if v})
        super().__init__(merged)
        if versions is None:
            del self.fields["version"]
        else:
            self.fields["version"].choices = [("", _("Alla versioner"))] + [
                (n, _("Version %(n)d") % {"n": n}) for n in versions
            ]

    def clean(self):
        data = super().clean()
        start, end, per = data.get("fran"), data.get("till"), data.get("per")
        if start and end:
            if start > end:
                self.add_error("till", _("Slutdatumet får inte vara före startdatumet."))
            elif per and (end - start).days >= MAX_DAYS[per]:
                self.add_error(
                    "per",
                    _("Perioden är för lång för att visas per %(per)s. Välj vecka eller månad.")
                    % {"per": PER[per]},
                )
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        return Period(start=data["fran"], end=data["till"], per=data["per"])


def _page(request, *, title, eservices, single, versions=None, extra=None):
    form = PeriodForm(request.GET, versions=versions)
    context = {"title": title, "form": form, "report": None, **(extra or {})}
    if not form.is_valid():
        return render(request, "staff/statistics/report.html", context, status=400)
    result = report.build(
        eservices=eservices,
        period=form.period(),
        version=form.cleaned_data.get("version"),
        single=single,
    )
    figure_name = request.GET.get("csv")
    if figure_name:
        figure = result.figure(figure_name)
        if figure is None:
            return render(request, "staff/statistics/report.html", context, status=404)
        return _csv(figure, result.period)
    query = request.GET.copy()
    query.pop("csv", None)
    context.update(report=result, query=query.urlencode())
    return render(request, "staff/statistics/report.html", context)


def _csv(figure, period) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{figure.name}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # so that Excel reads the å, ä and ö right
    writer = csv.writer(response, delimiter=";")
    writer.writerow(figure.headers)
    writer.writerows(figure.rows)
    return response


@staff_view(access.may_use_statistics)
def index(request):
    user = request.user
    return render(
        request,
        "staff/statistics/index.html",
        {
            "eservices": access.eservices_for(user).select_related("committee").order_by("name"),
            "committees": access.committees_for(user).order_by("name"),
            "municipality": access.may_see_municipality(user),
        },
    )


@staff_view(access.may_use_statistics)
def eservice(request, eservice_id: int):
    found = get_object_or_404(access.eservices_for(request.user), pk=eservice_id)
    options = options_for(found)
    may_change = access.may_change_options(request.user, found)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        set_options(
            eservice=found,
            survey=request.POST.get("survey") == "on",
            open_data=request.POST.get("open_data") == "on",
        )
        messages.success(request, _("Valen för statistiken sparades."))
        return redirect("staff:statistics_eservice", found.pk)
    versions = list(
        EServiceVersion.objects.filter(eservice=found, published_at__isnull=False)
        .order_by("-number")
        .values_list("number", flat=True)
    )
    return _page(
        request,
        title=found.name,
        eservices=[found],
        single=True,
        versions=versions,
        extra={"eservice": found, "options": options, "may_change": may_change},
    )


@staff_view(access.may_use_statistics)
def committee(request, committee_id: int):
    found = get_object_or_404(access.committees_for(request.user), pk=committee_id)
    eservices = list(access.eservices_for(request.user).filter(committee=found))
    return _page(request, title=found.name, eservices=eservices, single=False)


@staff_view(access.may_use_statistics)
def municipality(request):
    if not access.may_see_municipality(request.user):
        raise PermissionDenied
    eservices = list(access.eservices_for(request.user))
    return _page(request, title=_("Hela kommunen"), eservices=eservices, single=False)

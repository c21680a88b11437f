"""Open data: the statistics the e-services publish, as a page, CSV and
JSON. No login; only what `statistics.opendata` gives."""

import csv

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from etjanst.statistics.opendata import published_rows, suppressed_below

HEADERS = ["e_tjanst", "kortnamn", "namnd", "manad", "skickade", "median_dagar_till_avslut"]


def page(request):
    rows = published_rows()
    by_eservice: dict[str, list[dict]] = {}
    for row in rows:
        by_eservice.setdefault(row["e_tjanst"], []).append(row)
    return render(
        request,
        "portal/open_data.html",
        {"eservices": by_eservice, "below": suppressed_below()},
    )


def as_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="e-tjanster-oppna-data.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(HEADERS)
    fewer = _("färre än %(n)d") % {"n": suppressed_below()}
    for row in published_rows():
        values = [row[h] for h in HEADERS]
        values[4] = fewer if row["skickade"] is None else row["skickade"]
        values[5] = "" if row["median_dagar_till_avslut"] is None else row[HEADERS[5]]
        writer.writerow(values)
    return response


def as_json(request):
    return JsonResponse(
        {
            "beskrivning": _(
                "Skickade ärenden per månad och mediantid i dagar till avslut, per e-tjänst. "
                "null betyder färre än %(n)d (visas inte, så att ingen person kan pekas ut)."
            )
            % {"n": suppressed_below()},
            "farre_an": suppressed_below(),
            "rader": published_rows(),
        },
        json_dumps_params={"ensure_ascii": False},
    )

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from etjanst.eservices.models import EService


def accessibility(request):
    return render(request, "portal/accessibility.html")


def personal_data(request):
    eservices = EService.objects.published().exclude(personal_data_text="").order_by("name")
    return render(request, "portal/personal_data.html", {"eservices": eservices})


@require_GET
@cache_control(public=True, max_age=300)
def theme_css(request):
    """The municipality's colours, from settings (no inline styles: CSP)."""
    colour = settings.ETJANST_MUNICIPALITY["primary_colour"]
    if not (
        colour.startswith("#")
        and len(colour) in (4, 7)
        and all(c in "0123456789abcdefABCDEF" for c in colour[1:])
    ):
        colour = "#1f5f8b"
    return HttpResponse(f":root {{ --primary: {colour}; }}\n", content_type="text/css")


@require_GET
def health(request):
    """A trivial page through the whole middleware stack (load balancers, benchmarks)."""
    return HttpResponse("ok", content_type="text/plain")

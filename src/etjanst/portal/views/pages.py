from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from etjanst.content.look import municipality
from etjanst.eservices.models import EService


def accessibility(request):
    return render(request, "portal/accessibility.html")


def personal_data(request):
    eservices = (
        EService.objects.published().select_related("committee", "retention_rule").order_by("name")
    )
    return render(request, "portal/personal_data.html", {"eservices": eservices})


@require_GET
@cache_control(public=True, max_age=300)
def theme_css(request):
    """The municipality's colours: admin's site settings, else settings
    (no inline styles: CSP). look.municipality() only returns hex colours."""
    look = municipality(request)
    primary, on_primary = look["primary_colour"], look["text_on_primary"]
    return HttpResponse(
        f":root {{ --primary: {primary}; --on-primary: {on_primary}; }}\n",
        content_type="text/css",
    )

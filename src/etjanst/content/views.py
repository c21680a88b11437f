from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .current import snapshot
from .models import InformationPage
from .rendering import render_markdown

LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def page(request, slug: str):
    info = get_object_or_404(InformationPage.objects.published(), slug=slug)
    return render(
        request,
        "content/page.html",
        {"page": info, "body": render_markdown(info.localized_body)},
    )


@require_GET
@cache_control(public=True, max_age=3600)
def logo(request):
    """The uploaded logo (uploads are never served by URL otherwise)."""
    site = snapshot(request).site
    if site is None or not site.logo:
        raise Http404
    extension = site.logo.name.rsplit(".", 1)[-1].lower()
    if extension not in LOGO_TYPES:
        raise Http404
    response = FileResponse(site.logo.open("rb"), content_type=LOGO_TYPES[extension])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

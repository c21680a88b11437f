"""The municipality's name, logo, colours and contact details: what admin
set in SiteSettings, else the installation's environment (settings)."""

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from .contrast import is_hex_colour
from .current import snapshot

DEFAULT_PRIMARY = "#1f5f8b"
DEFAULT_TEXT_ON_PRIMARY = "#ffffff"


def municipality(request: HttpRequest | None = None) -> dict:
    """The dict templates know as `municipality` (as settings.ETJANST_MUNICIPALITY,
    plus logo_url, text_on_primary and links)."""
    defaults = settings.ETJANST_MUNICIPALITY
    site = snapshot(request).site
    look = {
        **defaults,
        "logo_url": static(defaults["logo"]),
        "text_on_primary": defaults.get("text_on_primary", DEFAULT_TEXT_ON_PRIMARY),
        "links": [],
    }
    if site is not None:
        for field, key in (
            ("municipality_name", "name"),
            ("primary_colour", "primary_colour"),
            ("text_on_primary", "text_on_primary"),
            ("email", "email"),
            ("phone", "phone"),
            ("website", "website"),
        ):
            if value := getattr(site, field):
                look[key] = value
        if site.logo:
            version = int(site.updated_at.timestamp())
            look["logo_url"] = f"{reverse('content:logo')}?v={version}"
        try:
            look["links"] = site.parsed_footer_links()
        except ValueError:
            look["links"] = []
    # Settings come from the environment: never trust them into CSS.
    if not is_hex_colour(look["primary_colour"]):
        look["primary_colour"] = DEFAULT_PRIMARY
    if not is_hex_colour(look["text_on_primary"]):
        look["text_on_primary"] = DEFAULT_TEXT_ON_PRIMARY
    return look

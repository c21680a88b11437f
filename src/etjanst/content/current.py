"""What the municipality has set up right now — site settings, operating
messages not yet ended, and the pages in the menu and footer — read as one
cached snapshot: at most one cache read per request, and the database only
when the cache is empty. Saving or deleting any of it empties the cache
(signals.py); the snapshot also expires after a minute, so web processes
with their own per-process cache catch up without a shared one."""

from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from .constants import Placement
from .models import InformationPage, OperatingMessage, SiteSettings

CACHE_KEY = "etjanst:content:snapshot:v1"
CACHE_SECONDS = 60
_REQUEST_ATTRIBUTE = "_etjanst_content"


@dataclass(frozen=True)
class Snapshot:
    site: SiteSettings | None
    messages: tuple[OperatingMessage, ...]  # ordered by level, then start
    menu_pages: tuple[InformationPage, ...]
    footer_pages: tuple[InformationPage, ...]


def _load() -> Snapshot:
    from .constants import LEVEL_ORDER

    messages = OperatingMessage.objects.not_ended(timezone.now()).select_related("eservice")
    pages = InformationPage.objects.filter(
        is_published=True, placement__in=[Placement.MENU, Placement.FOOTER]
    ).only("title", "title_en", "slug", "placement", "order")
    pages = list(pages)
    return Snapshot(
        site=SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_ID).first(),
        messages=tuple(
            sorted(messages, key=lambda m: (LEVEL_ORDER.get(m.level, 99), m.starts_at, m.pk))
        ),
        menu_pages=tuple(p for p in pages if p.placement == Placement.MENU),
        footer_pages=tuple(p for p in pages if p.placement == Placement.FOOTER),
    )


def snapshot(request: HttpRequest | None = None) -> Snapshot:
    """The current snapshot, read once per request."""
    if request is not None and hasattr(request, _REQUEST_ATTRIBUTE):
        return getattr(request, _REQUEST_ATTRIBUTE)
    current = cache.get(CACHE_KEY)
    if current is None:
        current = _load()
        cache.set(CACHE_KEY, current, CACHE_SECONDS)
    if request is not None:
        setattr(request, _REQUEST_ATTRIBUTE, current)
    return current


def forget() -> None:
    cache.delete(CACHE_KEY)

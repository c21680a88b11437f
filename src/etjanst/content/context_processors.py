from .banners import messages_for, page_scope
from .closures import closure_for_slug
from .current import snapshot


def content(request):
    """The banners, the closure of the e-service on the page, and the pages
    linked from the menu and the footer."""
    slug, _eid = page_scope(request)
    current = snapshot(request)
    return {
        "operating_messages": messages_for(request),
        "eservice_closure": closure_for_slug(slug, request=request) if slug else None,
        "menu_pages": current.menu_pages,
        "footer_pages": current.footer_pages,
    }

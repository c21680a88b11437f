"""The door of every staff page: one decorator, `staff_view`, that asks for
the staff login with its one-time code (django-otp) and then for the right
the page is for. The rights themselves live in the domain
(`people.access`, `statistics.access`, `integrations.access`); this face
only asks them."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from etjanst.people.access import may_use_staff_login

Rule = Callable[[Any], bool]


def staff_view(may: Rule | None = None, *, logged_in: Rule = may_use_staff_login):
    """Decorate a staff page. Whoever has not logged in here with password
    and one-time code, or is not one `logged_in` counts, goes to the login
    and back to this page after; a logged-in user whom `may` refuses gets
    403; every answer the page gives is `private, no-store`.

    The case pages pass `logged_in=is_staff_member`: for them only case
    staff count as logged in, and anyone else is sent to the login."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_authenticated and user.is_verified() and logged_in(user)):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('staff:login')}?{query}")
            if may is not None and not may(user):
                raise PermissionDenied
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = "private, no-store"
            return response

        return wrapper

    return decorate

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from etjanst.api.urls import api, unknown_address

# admin.site is etjanst.config.admin.StaffAdminSite (one-time code required).

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/sprak/", set_language, name="set_language"),
    path("handlaggning/", include("etjanst.staff.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", unknown_address),  # a problem (JSON), not the HTML 404 page
    path("", include("etjanst.portal.urls")),
    path("", include("etjanst.content.urls")),
]

handler400 = "etjanst.portal.views.errors.bad_request"
handler403 = "etjanst.portal.views.errors.permission_denied"
handler404 = "etjanst.portal.views.errors.page_not_found"
handler500 = "etjanst.portal.views.errors.server_error"

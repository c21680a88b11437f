"""The admin app with our admin site (etjanst.config.admin_site), loaded
lazily: this module is imported while the apps are being set up."""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "etjanst.config.admin_site.StaffAdminSite"

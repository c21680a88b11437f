from django.urls import path

from . import views

app_name = "content"

urlpatterns = [
    path("information/<slug:slug>/", views.page, name="page"),
    path("logotyp/", views.logo, name="logo"),
]

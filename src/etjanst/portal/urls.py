from django.urls import path

from .views import catalogue, filling, login, pages, receipts, saml

app_name = "portal"

urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("e-tjanster/<slug:slug>/", catalogue.intro, name="intro"),
    path("e-tjanster/<slug:slug>/starta/", filling.start, name="start"),
    path("e-tjanster/<slug:slug>/steg/<int:number>/", filling.step, name="step"),
    path("e-tjanster/<slug:slug>/granska/", filling.review, name="review"),
    path("e-tjanster/<slug:slug>/avbryt/", filling.cancel, name="cancel"),
    path("e-tjanster/<slug:slug>/skicka-signerat/", filling.submit_signed, name="submit_signed"),
    path(
        "e-tjanster/<slug:slug>/bilagor/<uuid:attachment_id>/",
        filling.pending_attachment,
        name="pending_attachment",
    ),
    path("e-tjanster/<slug:slug>/kvitto/<str:token>/", receipts.receipt, name="receipt"),
    path(
        "e-tjanster/<slug:slug>/kvitto/<str:token>/kvitto.pdf",
        receipts.receipt_pdf,
        name="receipt_pdf",
    ),
    path(
        "e-tjanster/<slug:slug>/kvitto/<str:token>/bilagor/<uuid:attachment_id>/",
        receipts.case_attachment,
        name="case_attachment",
    ),
    path("logga-in/", login.login_choice, name="login"),
    path("logga-in/forlang/", login.keep_alive, name="keep_alive"),
    path("logga-in/bankid/", login.bankid, name="bankid"),
    path("logga-in/bankid/starta/", login.bankid_start, name="bankid_start"),
    path("logga-in/bankid/vantar/", login.bankid_wait, name="bankid_wait"),
    path("logga-in/bankid/status/", login.bankid_status, name="bankid_status"),
    path("logga-in/bankid/qr.svg", login.bankid_qr, name="bankid_qr"),
    path("logga-in/bankid/avbryt/", login.bankid_cancel, name="bankid_cancel"),
    path("logga-in/bankid/tillbaka/", login.bankid_return, name="bankid_return"),
    path("logga-in/saml/metadata/", saml.saml_metadata, name="saml_metadata"),
    path("logga-in/saml/acs/", saml.saml_acs, name="saml_acs"),
    path("logga-in/saml/slutfor/", saml.saml_finish, name="saml_finish"),
    path("logga-in/saml/slo/", saml.saml_slo, name="saml_slo"),
    path("logga-in/saml/<slug:idp>/", saml.saml_login_view, name="saml_login"),
    path("logga-ut/", login.logout_view, name="logout"),
    path("tillganglighet/", pages.accessibility, name="accessibility"),
    path("personuppgifter/", pages.personal_data, name="personal_data"),
    path("tema.css", pages.theme_css, name="theme_css"),
    path("halsa/", pages.health, name="health"),
]

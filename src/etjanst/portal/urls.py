from django.urls import path

from .views import bookings, catalogue, filling, login, mypages, pages, receipts

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
    path("logga-ut/", login.logout_view, name="logout"),
    path("mina-sidor/", mypages.overview, name="my_pages"),
    path("mina-sidor/arenden/", mypages.case_list, name="my_cases"),
    path(
        "mina-sidor/arenden/avslutade/",
        mypages.case_list,
        {"tab": "avslutade"},
        name="my_cases_closed",
    ),
    path("mina-sidor/arenden/ej-inskickade/", mypages.draft_list, name="my_drafts"),
    path("mina-sidor/arenden/<int:case_id>/", mypages.case_detail, name="my_case"),
    path("mina-sidor/arenden/<int:case_id>/kvitto.pdf", mypages.case_pdf, name="my_case_pdf"),
    path(
        "mina-sidor/arenden/<int:case_id>/bilagor/<uuid:attachment_id>/",
        mypages.case_attachment,
        name="my_attachment",
    ),
    path(
        "mina-sidor/sparade/<uuid:draft_id>/fortsatt/",
        mypages.draft_continue,
        name="draft_continue",
    ),
    path("mina-sidor/sparade/<uuid:draft_id>/ta-bort/", mypages.draft_delete, name="draft_delete"),
    path("mina-sidor/bokningar/", bookings.booking_list, name="my_bookings"),
    path("mina-sidor/bokningar/<int:booking_id>/", bookings.booking_detail, name="my_booking"),
    path(
        "mina-sidor/bokningar/<int:booking_id>/avboka/",
        bookings.booking_cancel,
        name="my_booking_cancel",
    ),
    path(
        "mina-sidor/bokningar/<int:booking_id>/omboka/",
        bookings.booking_rebook,
        name="my_booking_rebook",
    ),
    path("tillganglighet/", pages.accessibility, name="accessibility"),
    path("personuppgifter/", pages.personal_data, name="personal_data"),
    path("tema.css", pages.theme_css, name="theme_css"),
    path("halsa/", pages.health, name="health"),
]

from django.urls import path

from .views import auth, bookings, cases, requests, secrecy

app_name = "staff"

urlpatterns = [
    path("", cases.inbox, name="inbox"),
    path("mina/", cases.inbox, {"tab": "mina"}, name="inbox_mine"),
    path("oppna/", cases.inbox, {"tab": "oppna"}, name="inbox_open"),
    path("avslutade/", cases.inbox, {"tab": "avslutade"}, name="inbox_closed"),
    path("sok/", cases.search, name="search"),
    path("gallring/", cases.purge_preview, name="purge_preview"),
    path("logga-in/", auth.login_view, name="login"),
    path("logga-in/kod/", auth.login_code, name="login_code"),
    path("logga-in/aktivera/", auth.login_enrol, name="login_enrol"),
    path("logga-ut/", auth.logout_view, name="logout"),
    path("arenden/<int:case_id>/", cases.case_detail, name="case"),
    path("arenden/<int:case_id>/status/", cases.change_status, name="change_status"),
    path("arenden/<int:case_id>/tilldela/", cases.assign, name="assign"),
    path("arenden/<int:case_id>/gallringssparr/", cases.legal_hold, name="legal_hold"),
    path("arenden/<int:case_id>/anteckning/", cases.add_note, name="add_note"),
    path("arenden/<int:case_id>/meddelande/", cases.send_message, name="send_message"),
    path(
        "arenden/<int:case_id>/bilagor/<uuid:attachment_id>/",
        cases.attachment,
        name="attachment",
    ),
    path("arenden/<int:case_id>/export.pdf", cases.export_pdf, name="export_pdf"),
    path("arenden/<int:case_id>/export.json", cases.export_json, name="export_json"),
    path("arenden/<int:case_id>/sekretess/", secrecy.case_secrecy, name="case_secrecy"),
    path("utlamnande/", requests.request_list, name="document_requests"),
    path("utlamnande/<int:request_id>/", requests.request_detail, name="document_request"),
    path(
        "utlamnande/<int:request_id>/arenden/<int:case_id>/",
        requests.review,
        name="document_review",
    ),
    path(
        "utlamnande/<int:request_id>/utlamnanden/<int:release_id>/<str:kind>.pdf",
        requests.release_pdf,
        name="release_pdf",
    ),
    path("utlamnande/<int:request_id>/avsluta/", requests.close, name="close_document_request"),
    path("bokningar/", bookings.resource_list, name="booking_resources"),
    path("bokningar/<int:resource_id>/", bookings.schedule, name="booking_schedule"),
    path("bokningar/<int:resource_id>/sparra/", bookings.block, name="booking_block"),
    path("bokningar/bokning/<int:booking_id>/avboka/", bookings.cancel, name="booking_cancel"),
]

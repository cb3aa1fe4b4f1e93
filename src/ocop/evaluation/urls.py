from django.urls import path

from ocop.evaluation.views import self_assessments

app_name = "evaluation"
urlpatterns = [
    path("tu-danh-gia/<str:code>/", self_assessments.self_assessment, name="self_assessment"),
    path("tu-danh-gia/<str:code>/sao-chep/", self_assessments.copy, name="self_assessment_copy"),
]

# A product's self-assessments, under the product's address: ocop/urls.py mounts these at
# "san-pham/" in the namespace "self_assessments" (/san-pham/<code>/tu-danh-gia/).
product_urlpatterns = [
    path("<str:code>/tu-danh-gia/", self_assessments.product_self_assessments, name="list"),
    path("<str:code>/tu-danh-gia/bat-dau/", self_assessments.start, name="start"),
]

# --- decisions, results and documents (issue 4, items 5–8) ---------------------------------------
from ocop.evaluation.views import decisions, decisions_outbox, pdf, results  # noqa: E402

urlpatterns += [
    path("quyet-dinh/", decisions.decision_list, name="decisions"),
    path("quyet-dinh/tao/", decisions.decision_create, name="decision_create"),
    path("quyet-dinh/<str:code>/", decisions.decision_detail, name="decision"),
    path("quyet-dinh/<str:code>/sua/", decisions.decision_update, name="decision_update"),
    path(
        "quyet-dinh/<str:code>/bo/<str:dossier>/",
        decisions.decision_remove_item,
        name="decision_remove_item",
    ),
    path("quyet-dinh/<str:code>/phe-duyet/", decisions.decision_approve, name="decision_approve"),
    path("quyet-dinh/<str:code>/dinh-chinh/", decisions.decision_correct, name="decision_correct"),
    path(
        "quyet-dinh/<str:code>/de-nghi-trung-uong/",
        decisions.central_proposal,
        name="central_proposal",
    ),
    path("hop-thu-di/", decisions_outbox.outbox, name="outbox"),
    path("ho-so/<str:code>/ket-qua/", results.dossier_result_page, name="dossier_result"),
    path("ho-so/<str:code>/mau-03.pdf", pdf.commune_report_pdf, name="commune_report_pdf"),
    path("phien/<str:session>/bien-ban.pdf", pdf.minutes_pdf, name="minutes_pdf"),
    path("phien/<str:session>/ho-so/<str:dossier>/phieu.pdf", pdf.sheet_pdf, name="sheet_pdf"),
    path(
        "phien/<str:session>/ho-so/<str:dossier>/phieu/<str:username>.pdf",
        pdf.sheet_pdf,
        name="member_sheet_pdf",
    ),
    path("dot/<str:code>/tong-hop.pdf", pdf.round_summary_pdf, name="round_summary_pdf"),
]

# The public results (no sign-in): ocop/urls.py mounts these at "ket-qua/" in the namespace
# "results" (/ket-qua/, /ket-qua/<round code>/).
results_urlpatterns = [
    path("", results.public_rounds, name="rounds"),
    path("<str:code>/", results.public_round, name="round"),
]

# --- dossiers and the work list (issue 4, items 1, 2, 6, 7) -------------------------------------
from ocop.evaluation.views import dossier_actions, dossiers, worklists  # noqa: E402

urlpatterns += [
    path("viec-can-lam/", worklists.worklist, name="worklist"),
    path("ho-so/", dossiers.dossier_list, name="dossiers"),
    path("ho-so/tiep-nhan/", dossiers.inbox, name="dossier_inbox"),
    path("ho-so/san-pham/<str:code>/", dossiers.product_dossier_list, name="product_dossiers"),
    path("ho-so/<str:code>/", dossiers.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/mau-01/", dossiers.registration, name="dossier_registration"),
    path("ho-so/<str:code>/mau-02/", dossiers.self_assessment_tab, name="dossier_self_assessment"),
    path("ho-so/<str:code>/minh-chung/", dossiers.evidence, name="dossier_evidence"),
    path(
        "ho-so/<str:code>/minh-chung/<str:file_code>/",
        dossiers.evidence_file,
        name="dossier_evidence_file",
    ),
    path(
        "ho-so/<str:code>/minh-chung/<str:file_code>/xoa/",
        dossiers.evidence_remove,
        name="dossier_evidence_remove",
    ),
    path("ho-so/<str:code>/lich-su/", dossiers.history, name="dossier_history"),
    path("ho-so/<str:code>/mau-03/", dossiers.commune_report, name="dossier_commune_report"),
    path("ho-so/<str:code>/nop/", dossier_actions.submit, name="dossier_submit"),
    path("ho-so/<str:code>/rut/", dossier_actions.withdraw, name="dossier_withdraw"),
    path("ho-so/<str:code>/tham-dinh/", dossier_actions.commune_assess, name="dossier_assess"),
    path("ho-so/<str:code>/chuyen/", dossier_actions.forward, name="dossier_forward"),
    path("ho-so/<str:code>/tiep-nhan/", dossier_actions.accept, name="dossier_accept"),
    path("ho-so/<str:code>/tra-lai/", dossier_actions.return_, name="dossier_return"),
]

# --- rounds, councils, sessions and sheets (issue 4, items 3, 4, 6, 9) ---------------------------
from ocop.evaluation.views import councils, rounds, sessions, sessions_scoring  # noqa: E402

urlpatterns += [
    path("dot/", rounds.round_list, name="rounds"),
    path("dot/<str:code>/", rounds.round_detail, name="round"),
    path("dot/<str:code>/trang-thai/", rounds.round_status, name="round_status"),
    path("hoi-dong/", councils.council_list, name="councils"),
    path("hoi-dong/<str:code>/", councils.council_detail, name="council"),
    path("hoi-dong/<str:code>/cai-dat/", councils.council_settings, name="council_settings"),
    path("hoi-dong/<str:code>/thanh-vien/", councils.member_add, name="council_member_add"),
    path(
        "hoi-dong/<str:code>/thanh-vien/<str:username>/xoa/",
        councils.member_remove,
        name="council_member_remove",
    ),
    path("hoi-dong/<str:code>/tieu-ban/", councils.sub_council_create, name="sub_council_create"),
    path("hoi-dong/<str:code>/phien/", councils.session_create, name="session_create"),
    path("phien/", sessions.my_session_list, name="my_sessions"),
    path("phien/<str:code>/", sessions.session_detail, name="session"),
    path("phien/<str:code>/chuong-trinh/", sessions.agenda_add, name="session_agenda_add"),
    path("phien/<str:code>/diem-danh/", sessions.attendance, name="session_attendance"),
    path("phien/<str:code>/ket-thuc/", sessions.close, name="session_close"),
    path(
        "phien/<str:code>/bien-ban-luu/<str:dossier>/",
        sessions.minutes_result,
        name="session_minutes_result",
    ),
    path("phien/<str:code>/ho-so/<str:dossier>/", sessions_scoring.item_page, name="session_item"),
    path(
        "phien/<str:code>/ho-so/<str:dossier>/khai-bao/",
        sessions_scoring.declaration,
        name="session_declaration",
    ),
    path(
        "phien/<str:code>/ho-so/<str:dossier>/luu-nhap/",
        sessions_scoring.sheet_autosave,
        name="sheet_autosave",
    ),
    path(
        "phien/<str:code>/ho-so/<str:dossier>/thao-luan/",
        sessions_scoring.discussion,
        name="session_discussion",
    ),
    path(
        "phien/<str:code>/ho-so/<str:dossier>/loai-ho-so/",
        sessions_scoring.dossier_knockouts,
        name="session_dossier_knockouts",
    ),
    path("thong-ke-thanh-vien/", sessions.member_statistics_page, name="member_statistics"),
]

# --- in-app notifications (issue 4, item 7) ------------------------------------------------------
from ocop.evaluation.views import notifications  # noqa: E402

urlpatterns += [
    path("thong-bao/", notifications.notification_list, name="notifications"),
    path("thong-bao/da-doc/", notifications.notifications_read, name="notifications_read"),
]

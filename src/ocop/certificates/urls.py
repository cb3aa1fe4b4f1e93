"""Certificates for officials and producers (namespace `certificates`, mounted at
/giay-chung-nhan/): list, work list, a certificate and its actions, revocations, inspections."""

from django.urls import path

from ocop.certificates.views import inspections, manage, revocations

app_name = "certificates"

urlpatterns: list = [
    path("", manage.certificate_list, name="list"),
    path("viec-can-lam/", manage.worklist, name="worklist"),
    path("thu-hoi/<str:code>/", revocations.revocation_detail, name="revocation"),
    path("thu-hoi/<str:code>/quyet-dinh/", revocations.decide, name="revocation_decide"),
    path("thu-hoi/<str:code>/khong-thu-hoi/", revocations.reject, name="revocation_reject"),
    path("hau-kiem/<str:code>/", inspections.inspection_detail, name="inspection"),
    path("hau-kiem/<str:code>/ket-qua/", inspections.record, name="inspection_record"),
    path("hau-kiem/<str:code>/dong/", inspections.close, name="inspection_close"),
    path("hau-kiem/<str:code>/huy/", inspections.cancel, name="inspection_cancel"),
    path("<str:code>/", manage.certificate_detail, name="detail"),
    path("<str:code>/lich-su/", manage.certificate_history, name="history"),
    path("<str:code>/danh-gia-lai/", manage.reevaluate, name="reevaluate"),
    path("<str:code>/nang-hang/", manage.upgrade, name="upgrade"),
    path("<str:code>/thu-hoi/", manage.propose, name="propose_revocation"),
    path("<str:code>/hau-kiem/", manage.plan, name="plan_inspection"),
]

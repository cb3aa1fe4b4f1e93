"""Traceability for producers and officials (namespace `traceability`, mounted at /truy-xuat/):
batches, their inputs, steps, stamps and label sheets, the recall page, and places."""

from django.urls import path

from ocop.traceability.views import batches, stamps, steps

app_name = "traceability"

urlpatterns: list = [
    path("", batches.batch_list, name="batches"),
    path("lo/moi/", batches.batch_create, name="batch_create"),
    path("lo/<str:code>/", batches.batch_detail, name="batch"),
    path("lo/<str:code>/sua/", batches.batch_edit, name="batch_edit"),
    path("lo/<str:code>/lich-su/", batches.batch_history, name="batch_history"),
    path("lo/<str:code>/thu-hoi/", batches.batch_recall, name="batch_recall"),
    path("lo/<str:code>/trang-thai/", batches.batch_status, name="batch_status"),
    path("lo/<str:code>/dau-vao/", batches.input_add, name="input_add"),
    path("lo/<str:code>/dau-vao/<int:number>/xoa/", batches.input_remove, name="input_remove"),
    path("lo/<str:code>/buoc/", steps.record, name="step"),
    path("lo/<str:code>/tem/", stamps.stamp_list, name="stamps"),
    path("lo/<str:code>/tem/phat-hanh/", stamps.stamps_issue, name="stamps_issue"),
    path("lo/<str:code>/tem/trang-thai/", stamps.stamps_status, name="stamps_status"),
    path("lo/<str:code>/tem/nhan.pdf", stamps.stamp_labels, name="stamp_labels"),
    path("dia-diem/", batches.location_list, name="locations"),
    path("dia-diem/moi/", batches.location_create, name="location_create"),
    path("dia-diem/<str:code>/sua/", batches.location_edit, name="location_edit"),
]

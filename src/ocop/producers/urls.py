from django.urls import path

from ocop.producers.views import edit, registry

app_name = "producers"
urlpatterns = [
    path("", registry.producer_list, name="list"),
    path("cua-toi/", registry.my_producer, name="mine"),
    path("dang-ky/", edit.producer_register, name="register"),
    path("them/", edit.producer_create, name="create"),
    path("<str:code>/", registry.producer_detail, name="detail"),
    path("<str:code>/san-pham/", registry.producer_products, name="products"),
    path("<str:code>/lich-su/", registry.producer_history, name="history"),
    path("<str:code>/sua/", edit.producer_edit, name="edit"),
    path("<str:code>/duyet/", edit.producer_status, {"action": "approve"}, name="approve"),
    path("<str:code>/tu-choi/", edit.producer_status, {"action": "reject"}, name="reject"),
    path("<str:code>/dinh-chi/", edit.producer_status, {"action": "suspend"}, name="suspend"),
    path("<str:code>/khoi-phuc/", edit.producer_status, {"action": "reinstate"}, name="reinstate"),
]

"""The supply–demand board (namespace `trade`, mounted at /ket-noi/): buyers, demands, offers,
connections, statistics."""

from django.urls import path

from ocop.trade.views import board, buyers, connections, demands, offers, statistics

app_name = "trade"
urlpatterns = [
    path("", board.home, name="home"),
    path("dang-ky/", buyers.register, name="register"),
    path("thong-ke/", statistics.statistics, name="statistics"),
    path("nguoi-mua/", buyers.buyer_list, name="buyers"),
    path("nguoi-mua/<str:code>/", buyers.buyer_detail, name="buyer"),
    path("nguoi-mua/<str:code>/sua/", buyers.buyer_edit, name="buyer_edit"),
    path(
        "nguoi-mua/<str:code>/trang-thai/<str:action>/",
        buyers.buyer_status,
        name="buyer_status",
    ),
    path("nhu-cau/", demands.demand_list, name="demands"),
    path("nhu-cau/moi/", demands.demand_create, name="demand_create"),
    path("nhu-cau/<str:code>/", demands.demand_detail, name="demand"),
    path("nhu-cau/<str:code>/sua/", demands.demand_edit, name="demand_edit"),
    path("nhu-cau/<str:code>/trang-thai/", demands.demand_status, name="demand_status"),
    path("chao-ban/", offers.offer_list, name="offers"),
    path("chao-ban/moi/", offers.offer_create, name="offer_create"),
    path("chao-ban/<str:code>/", offers.offer_detail, name="offer"),
    path("chao-ban/<str:code>/sua/", offers.offer_edit, name="offer_edit"),
    path("chao-ban/<str:code>/trang-thai/", offers.offer_status, name="offer_status"),
    path("yeu-cau/", connections.connection_list, name="connections"),
    path("yeu-cau/moi/", connections.connection_create, name="connect"),
    path("yeu-cau/<str:code>/", connections.connection_detail, name="connection"),
    path("yeu-cau/<str:code>/trang-thai/", connections.connection_status, name="connection_status"),
]

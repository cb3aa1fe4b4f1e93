from django.urls import path

from ocop.producers.views import registry

app_name = "producers"
urlpatterns = [
    path("", registry.producer_list, name="list"),
    path("cua-toi/", registry.my_producer, name="mine"),
    path("dang-ky/", registry.my_producer, name="register"),
]

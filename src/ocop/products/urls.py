from django.urls import path

from ocop.products.views import registry

app_name = "products"
urlpatterns = [
    path("", registry.product_list, name="list"),
]

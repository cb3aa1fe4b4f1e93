from django.urls import path

from ocop.catalog.views import listing, pages

app_name = "catalog"
urlpatterns = [
    # The public catalogue (search, filters, open data): views/listing.py.
    path("san-pham-ocop/", listing.catalogue, name="list"),
    path("san-pham-ocop/du-lieu.csv", listing.export_csv, name="export_csv"),
    path("san-pham-ocop/du-lieu.json", listing.export_json, name="export_json"),
    # The public product and producer pages: views/pages.py.
    path("san-pham-ocop/<str:code>/", pages.product, name="product"),
    path("san-pham-ocop/<str:code>/anh/<str:file_code>/", pages.product_photo, name="photo"),
    path("co-so-ocop/<str:code>/", pages.producer, name="producer"),
]

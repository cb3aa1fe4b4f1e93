from django.urls import path

from ocop.geo.views import units

app_name = "geo"
urlpatterns = [
    path("", units.unit_list, name="units"),
    path("nguon-du-lieu/", units.sources, name="sources"),
    path("<str:key>/", units.unit_detail, name="unit"),
]

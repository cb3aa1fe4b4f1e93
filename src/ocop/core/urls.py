from django.urls import path

from ocop.core.views import pages

# The home page ("", `core:home`) is the portal's (`ocop.catalog.views.home`): the project's
# URLconf adds it to this namespace, since core (the bottom layer) does not import the catalogue.
app_name = "core"
urlpatterns = [
    path("bang-dieu-khien/", pages.dashboard, name="dashboard"),
    path("healthz", pages.healthz, name="healthz"),
]

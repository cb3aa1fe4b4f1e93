from django.urls import path

from ocop.core.views import pages

app_name = "core"
urlpatterns = [
    path("", pages.home, name="home"),
    path("bang-dieu-khien/", pages.dashboard, name="dashboard"),
    path("healthz", pages.healthz, name="healthz"),
]

"""A throwaway API whose endpoint crashes, to see what a 500 under /api/v1/ answers."""

from django.urls import path
from ninja import NinjaAPI

from ocop.core.problems import install

boom_api = NinjaAPI(urls_namespace="boom-api", docs_url=None)
install(boom_api)


@boom_api.get("/boom")
def explode(request):
    raise RuntimeError("boom")


urlpatterns = [path("api/v1/", boom_api.urls)]

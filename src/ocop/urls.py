from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from ocop.api import api

urlpatterns = [
    path("", include("ocop.core.urls")),
    path("tai-khoan/", include("ocop.accounts.urls")),
    path("dia-ban/", include("ocop.geo.urls")),
    path("chu-the/", include("ocop.producers.urls")),
    path("san-pham/", include("ocop.products.urls")),
    path("tieu-chi/", include("ocop.criteria.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
]

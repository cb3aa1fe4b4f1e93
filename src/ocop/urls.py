from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from ocop.api import api
from ocop.catalog.views.home import home as portal_home
from ocop.certificates.urls_public import urlpatterns as public_certificate_urls
from ocop.core import urls as core_urls
from ocop.evaluation.urls import product_urlpatterns as self_assessment_urls
from ocop.evaluation.urls import results_urlpatterns as public_results_urls

# The home page is the programme's portal (catalog app: news, featured products, search), named
# `core:home` as every template knows it: it joins core's own pages in the core namespace.
core_urlpatterns = [path("", portal_home, name="home"), *core_urls.urlpatterns]

urlpatterns = [
    path("", include((core_urlpatterns, core_urls.app_name))),
    path("tai-khoan/", include("ocop.accounts.urls")),
    path("dia-ban/", include("ocop.geo.urls")),
    path("chu-the/", include("ocop.producers.urls")),
    path("san-pham/", include("ocop.products.urls")),
    # A product's self-assessments live under its address (evaluation app, its own namespace).
    path("san-pham/", include((self_assessment_urls, "self_assessments"))),
    path("tieu-chi/", include("ocop.criteria.urls")),
    path("danh-gia/", include("ocop.evaluation.urls")),
    # The public results of the rounds (no sign-in), evaluation app, its own namespace.
    path("ket-qua/", include((public_results_urls, "results"))),
    # Certificates: management (sign-in) and the public verification, register and open data.
    path("giay-chung-nhan/", include("ocop.certificates.urls")),
    path("", include((public_certificate_urls, "verify"))),
    # Traceability: producers' batches, stamps and steps; officials' scan statistics; the EPCIS
    # 2.0 REST bindings; and, at the root, the GS1 Digital Link resolver (/01/…, /.well-known/).
    path("truy-xuat/", include("ocop.traceability.urls")),
    path("truy-xuat/quet/", include("ocop.traceability.urls_scans")),
    path("epcis/", include("ocop.traceability.urls_epcis")),
    path("", include("ocop.traceability.urls_resolver")),
    # The portal (issue 7): the public catalogue and product/producer pages, news, points of
    # sale, and the supply–demand board.
    path("", include("ocop.catalog.urls")),
    path("tin-tuc/", include("ocop.catalog.urls_news")),
    path("diem-ban/", include("ocop.trade.urls_points")),
    path("ket-noi/", include("ocop.trade.urls")),
    # State management (issue 8): dashboard, yearly report, plans, training, imports.
    path("bao-cao/", include("ocop.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
]

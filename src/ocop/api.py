"""The REST API under /api/v1: one NinjaAPI, one router per app, RFC 9457 errors.

Callers authenticate with `Authorization: Bearer ocop_…` (POST /api/v1/auth/token) or, from the
browser, with the session cookie (CSRF checked on unsafe methods). The schema is at
/api/v1/openapi.json and the interactive docs at /api/v1/docs (Swagger UI from django-ninja's
bundled static files, never a CDN).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Swagger
from ninja.security import APIKeyCookie, HttpBearer

from ocop.accounts.services.tokens import authenticate_token
from ocop.core.parsing import StrictJsonParser
from ocop.core.problems import install


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session, with CSRF checked on unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing to protect: answer 401 (a failed bearer
        # token must not turn into a CSRF 403).
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


AUTH = [BearerToken(), SessionAuth()]

api = NinjaAPI(
    title="OCOP Platform API",
    version="1",
    description="Registry, evaluation, certificates and traceability of the OCOP programme. "
    "Authenticate with `Authorization: Bearer <token>` (POST /api/v1/auth/token). "
    "Errors are RFC 9457 problem details (application/problem+json).",
    urls_namespace="api",
    auth=AUTH,
    parser=StrictJsonParser(),
    docs_url="/docs",
    # validatorUrl None: Swagger UI would otherwise load a badge from an outside validator.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
install(api)


def _mount() -> None:
    from ocop.accounts.api import router as accounts_router
    from ocop.catalog.api import router as catalog_router
    from ocop.catalog.api_news import router as news_router
    from ocop.certificates import api_manage  # noqa: F401  (adds its endpoints to the router)
    from ocop.certificates.api import router as certificates_router
    from ocop.criteria.api import router as criteria_router
    from ocop.criteria.api_scoring import router as scoring_router
    from ocop.evaluation.api import router as evaluation_router
    from ocop.evaluation.api_dossiers import router as dossiers_router
    from ocop.evaluation.api_results import decisions_router
    from ocop.evaluation.api_results import router as results_router
    from ocop.evaluation.api_sessions import rounds_router, sessions_router
    from ocop.geo.api import router as geo_router
    from ocop.producers.api import router as producers_router
    from ocop.products.api import router as products_router
    from ocop.reports.api import router as reports_router
    from ocop.traceability.api import router as traceability_router
    from ocop.traceability.api_scans import router as scans_router
    from ocop.trade.api import router as trade_router
    from ocop.trade.api_points import router as points_router

    api.add_router("/auth", accounts_router)
    api.add_router("/geo", geo_router)
    api.add_router("/producers", producers_router)
    api.add_router("/products", products_router)
    api.add_router("/criteria", criteria_router)
    api.add_router("/scoring", scoring_router)
    api.add_router("/self-assessments", evaluation_router)
    api.add_router("/dossiers", dossiers_router)
    api.add_router("/results", results_router)
    api.add_router("/decisions", decisions_router)
    api.add_router("/rounds", rounds_router)
    api.add_router("/sessions", sessions_router)
    api.add_router("/certificates", certificates_router)
    api.add_router("/traceability/scans", scans_router)
    api.add_router("/traceability", traceability_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/news", news_router)
    api.add_router("/points-of-sale", points_router)
    api.add_router("/trade", trade_router)
    api.add_router("/reports", reports_router)


_mount()

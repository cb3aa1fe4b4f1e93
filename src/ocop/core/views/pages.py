from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ocop.accounts.rules import access_for
from ocop.core.queries.dashboard import dashboard_figures


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    return render(request, "core/dashboard.html", {"figures": dashboard_figures(access)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "database": connection.vendor})

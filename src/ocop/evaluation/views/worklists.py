"""The work list (việc cần làm): what waits for the user, linked from the dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ocop.evaluation.queries.worklists import worklist_for


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    return render(
        request, "evaluation/dossiers/worklist.html", {"work": worklist_for(request.user)}
    )

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from ocop.evaluation.queries.notifications import LIMIT, notifications_of
from ocop.evaluation.services.notifications import mark_notifications_read


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notices = list(notifications_of(request.user)[:LIMIT])
    unread = sum(1 for notice in notices if notice.read_at is None)
    return render(
        request,
        "evaluation/notifications.html",
        {"notices": notices, "unread": unread, "limit": LIMIT},
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = mark_notifications_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)s notice marked as read.", "%(count)s notices marked as read.", count)
        % {"count": count},
    )
    return redirect("evaluation:notifications")

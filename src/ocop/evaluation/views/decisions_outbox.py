"""The office's review of the result e-mails: preview, release (send) or discard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from ocop.accounts.rules import access_for
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.queries.decisions import can_draft_decisions, messages_for_review
from ocop.evaluation.services.outbox import discard_result_mails, release_result_mails

PER_PAGE = 50
COLUMNS = [
    Column(gettext_lazy("To"), "to_email", width=30),
    Column(gettext_lazy("Subject"), "subject", width=50),
    Column(gettext_lazy("Created at"), "created_at", kind="datetime"),
    Column(gettext_lazy("Text"), "body", width=80),
]


def _ids(request: HttpRequest) -> list[int]:
    return [int(value) for value in request.POST.getlist("message") if value.isdigit()]


@login_required
@require_http_methods(["GET", "POST"])
def outbox(request: HttpRequest) -> HttpResponse:
    if not can_draft_decisions(access_for(request.user)):
        raise Http404
    if request.method == "POST":
        ids = _ids(request)
        action = request.POST.get("action")
        try:
            if action == "release":
                count = release_result_mails(actor=request.user, ids=ids)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s e-mail is on its way.",
                        "%(count)s e-mails are on their way.",
                        count,
                    )
                    % {"count": count},
                )
            elif action == "discard":
                count = discard_result_mails(actor=request.user, ids=ids)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s e-mail has been discarded.",
                        "%(count)s e-mails have been discarded.",
                        count,
                    )
                    % {"count": count},
                )
            else:
                messages.error(request, _("Choose to send or to discard the e-mails."))
        except ValidationError as exc:
            messages.error(request, " ".join(str(m) for m in exc.messages))
        return redirect("evaluation:outbox")
    if wants_xlsx(request):
        title = _("Result e-mails to review")
        return xlsx_response(title, title, COLUMNS, messages_for_review())
    page = Paginator(messages_for_review(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "evaluation/decisions/outbox.html", {"page": page, "mails": list(page.object_list)}
    )

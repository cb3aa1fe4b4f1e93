"""The stamps of a batch: counts, the list (in the order of issue), issue N stamps, activate or
void a range, and the label sheets as PDF (size and part chosen on the page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from ocop.accounts.rules import access_for
from ocop.core.forms import add_service_errors
from ocop.core.pdf import pdf_response
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.traceability.enums import BatchStatus, StampStatus
from ocop.traceability.forms import IssueStampsForm, LabelForm, StampStatusForm
from ocop.traceability.labels import (
    DEFAULT_SIZE,
    LABEL_SIZES,
    LABELS_PER_PDF,
    label_filename,
    label_sheet_pdf,
    parts_of,
    stamp_link,
)
from ocop.traceability.models import Batch
from ocop.traceability.queries.batches import access_batch, keeps
from ocop.traceability.queries.stamps import printable_stamps, stamp_summary, stamps_of
from ocop.traceability.services.stamps import change_stamp_status, issue_stamps, max_per_issue

PER_PAGE = 50


def stamp_columns(batch: Batch) -> list[Column]:
    """The stamps' spreadsheet: what the list shows, with each stamp's Digital Link."""
    return [
        Column(gettext_lazy("Short code"), "short_code"),
        Column(gettext_lazy("Serial"), "serial", width=24),
        Column(gettext_lazy("Digital Link"), lambda stamp: stamp_link(stamp, batch.lot), width=60),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Issued at"), "issued_at", kind="datetime"),
        Column(gettext_lazy("Scans"), "scan_count", kind="int"),
        Column(gettext_lazy("First scanned"), "first_scanned_at", kind="datetime"),
    ]


def stamps_context(request: HttpRequest, batch: Batch, **extra: Any) -> dict[str, Any]:
    can_keep = keeps(access_for(request.user), batch.producer)
    status = request.GET.get("status", "")
    status = status if status in StampStatus.values else ""
    page = Paginator(stamps_of(batch, status=status or None), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(stamp, stamp_link(stamp, batch.lot)) for stamp in page.object_list]
    summary = stamp_summary(batch)
    size = request.GET.get("size", DEFAULT_SIZE)
    context: dict[str, Any] = {
        "batch": batch,
        "tab": "stamps",
        "summary": summary,
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": list(StampStatus.choices),
        "can_keep": can_keep,
        "editable": can_keep and batch.status != BatchStatus.RECALLED,
        "max_per_issue": max_per_issue(),
        "labels_per_pdf": LABELS_PER_PDF,
        "label_form": LabelForm(
            initial={"size": size if size in LABEL_SIZES else DEFAULT_SIZE}, auto_id="labels-%s"
        ),
        "parts": parts_of(summary.printable),
    }
    if can_keep:
        context.setdefault("status_form", StampStatusForm(auto_id="stamps-%s"))
        if context["editable"]:
            context.setdefault("issue_form", IssueStampsForm(auto_id="issue-%s"))
    context.update(extra)
    return context


@login_required
@require_GET
def stamp_list(request: HttpRequest, code: str) -> HttpResponse:
    batch = access_batch(request.user, code)
    if wants_xlsx(request):
        rows = stamps_of(batch, status=request.GET.get("status", "") or None)
        title = _("Stamps of batch %(lot)s") % {"lot": batch.lot}
        return xlsx_response(title, _("Stamps"), stamp_columns(batch), rows)
    return render(request, "traceability/manage/stamps.html", stamps_context(request, batch))


@login_required
@require_POST
def stamps_issue(request: HttpRequest, code: str) -> HttpResponse:
    batch = access_batch(request.user, code, write=True)
    form = IssueStampsForm(request.POST, auto_id="issue-%s")
    if form.is_valid():
        try:
            stamps = issue_stamps(actor=request.user, batch=batch, count=form.cleaned_data["count"])
        except NotAllowed as exc:
            raise PermissionDenied(exc.text) from None
        except WrongState as exc:
            messages.error(request, exc.text)
            return redirect("traceability:stamps", code=batch.code)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s stamp is issued: print its label, stick it on, then activate it.",
                    "%(count)s stamps are issued: print their labels, stick them on, then "
                    "activate them.",
                    len(stamps),
                )
                % {"count": len(stamps)},
            )
            return redirect("traceability:stamps", code=batch.code)
    context = stamps_context(request, batch, issue_form=form)
    return render(request, "traceability/manage/stamps.html", context, status=422)


@login_required
@require_POST
def stamps_status(request: HttpRequest, code: str) -> HttpResponse:
    batch = access_batch(request.user, code, write=True)
    form = StampStatusForm(request.POST, auto_id="stamps-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = change_stamp_status(
                actor=request.user,
                batch=batch,
                to=data["status"],
                codes=data["codes"],
                every_issued=data["every_issued"],
                reason=data["reason"],
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.text) from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if data["status"] == StampStatus.ACTIVE:
                text = ngettext(
                    "%(count)s stamp is activated.", "%(count)s stamps are activated.", count
                )
            else:
                text = ngettext("%(count)s stamp is void.", "%(count)s stamps are void.", count)
            messages.success(request, text % {"count": count})
            return redirect("traceability:stamps", code=batch.code)
    context = stamps_context(request, batch, status_form=form)
    return render(request, "traceability/manage/stamps.html", context, status=422)


@login_required
@require_GET
def stamp_labels(request: HttpRequest, code: str) -> HttpResponse:
    """The label sheet PDF: `size` (LABEL_SIZES), `status` (issued, active; empty: both), `part`
    (1, 2 … of LABELS_PER_PDF labels)."""
    batch = access_batch(request.user, code, write=True)
    form = LabelForm(request.GET)
    if not form.is_valid():
        raise Http404
    size = LABEL_SIZES[form.cleaned_data["size"]]
    stamps = printable_stamps(batch, form.cleaned_data["status"] or None)
    total = stamps.count()
    parts = parts_of(total)
    try:
        part = int(request.GET.get("part", "1"))
    except ValueError:
        raise Http404 from None
    if not parts or not 1 <= part <= len(parts):
        messages.error(request, _("There is no stamp to print: issue stamps first."))
        return redirect("traceability:stamps", code=batch.code)
    start = (part - 1) * LABELS_PER_PDF
    chosen = list(stamps[start : start + LABELS_PER_PDF])
    content = label_sheet_pdf(batch=batch, stamps=chosen, size=size)
    return pdf_response(content, label_filename(batch, size, part, len(parts)), inline=False)

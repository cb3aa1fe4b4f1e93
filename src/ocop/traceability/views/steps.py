"""Record a step of a batch (harvest, production start, processing, packing, shipping, receiving,
sale) with a few fields; the platform writes the EPCIS event (`services/steps.record_step`).

GET shows the steps to choose from and, for the chosen one (`?step=`), its form; POST records
it. Works without JavaScript: choosing a step is a link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ocop.core.forms import add_service_errors
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.traceability.enums import BatchStatus, Step
from ocop.traceability.forms import StepForm
from ocop.traceability.queries.batches import access_batch
from ocop.traceability.services.steps import record_step

# A short explanation of each step on its form.
STEP_HELP = {
    Step.HARVESTING: gettext_lazy("The raw material of the batch is harvested or collected."),
    Step.COMMISSIONING: gettext_lazy("Production of the batch starts: the lot exists from now on."),
    Step.PROCESSING: gettext_lazy(
        "The inputs are processed into the batch (the inputs listed on the batch page that are "
        "batches on the platform are written as the inputs of the processing)."
    ),
    Step.PACKING: gettext_lazy("The batch is packed; the active stamps are named in the step."),
    Step.SHIPPING: gettext_lazy(
        "Part or all of the batch leaves for a buyer: this also records the shipment."
    ),
    Step.RECEIVING: gettext_lazy(
        "The batch arrives at one of the producer's places (warehouse, shop)."
    ),
    Step.RETAIL_SELLING: gettext_lazy("The batch is sold to consumers."),
}


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, code: str) -> HttpResponse:
    batch = access_batch(request.user, code, write=True)
    if batch.status == BatchStatus.RECALLED:
        messages.error(request, _("The batch has been recalled: it cannot be changed any more."))
        return redirect("traceability:batch", code=batch.code)
    chosen = request.POST.get("step") if request.method == "POST" else request.GET.get("step")
    chosen = chosen if chosen in Step.values else None
    form = (
        StepForm(request.POST if request.method == "POST" else None, batch=batch, step=chosen)
        if chosen
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            events = record_step(
                actor=request.user,
                batch=batch,
                step=data["step"],
                at=form.at,
                location=data["location"],
                quantity=data["quantity"],
                note=data["note"],
                shipment_data=form.shipment_data,
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.text) from None
        except WrongState as exc:
            messages.error(request, exc.text)
            return redirect("traceability:batch", code=batch.code)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The step “%(step)s” is recorded.") % {"step": Step(data["step"]).label},
            )
            if not events:
                return redirect("traceability:batch", code=batch.code)
            return redirect(_journey_url(batch.code))
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "traceability/manage/step_form.html",
        {
            "batch": batch,
            "tab": "batch",
            "form": form,
            "chosen": chosen,
            "steps": [(value, label, STEP_HELP[Step(value)]) for value, label in Step.choices],
            "help": STEP_HELP[Step(chosen)] if chosen else "",
        },
        status=status,
    )


def _journey_url(code: str) -> str:
    from django.urls import reverse

    return reverse("traceability:batch", kwargs={"code": code}) + "#journey"

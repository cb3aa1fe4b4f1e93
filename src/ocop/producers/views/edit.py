"""The registry's write screens: self-registration, staff entry, edits and status changes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.producers.forms import (
    AccountForm,
    EditProducerForm,
    RegistrationForm,
    StaffProducerForm,
    StatusForm,
    attach_errors,
)
from ocop.producers.models import Producer
from ocop.producers.queries.producers import (
    access_producer,
    can_create_producer,
    owns_a_producer,
)
from ocop.producers.services.producers import (
    PRODUCER_FIELDS,
    change_producer_status,
    create_producer,
    register_producer,
    update_producer,
)
from ocop.producers.views.registry import (
    STATUS_ACTIONS,
    detail_context,
    filter_communes,
    status_actions,
)


@require_http_methods(["GET", "POST"])
def producer_register(request: HttpRequest) -> HttpResponse:
    """Self-registration. A visitor without an account creates one in the same step (and is
    signed in); a signed-in person who already owns a producer is sent to it."""
    user = request.user
    signed_in = user.is_authenticated
    if signed_in:
        access = access_for(user)
        if owns_a_producer(access) and not access.is_staff_user:
            messages.info(request, _("You have already registered your producer."))
            return redirect("producers:mine")
    account_form: AccountForm | None = None
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if not signed_in:
            account_form = AccountForm(request.POST, prefix="account")
        forms = [form] if account_form is None else [form, account_form]
        valid = [f.is_valid() for f in forms]  # every form, so every error shows at once
        if all(valid):
            try:
                producer = register_producer(
                    actor=user if signed_in else None,
                    data=form.producer_data(),
                    account=account_form.account_data() if account_form else None,
                )
            except ValidationError as exc:
                attach_errors(exc, *forms)
            else:
                if not signed_in:
                    login(
                        request,
                        producer.created_by,
                        backend="django.contrib.auth.backends.ModelBackend",
                    )
                messages.success(
                    request,
                    _("Your producer is registered. The commune officer will review it."),
                )
                return redirect("producers:detail", code=producer.code)
    else:
        form = RegistrationForm()
        if not signed_in:
            account_form = AccountForm(prefix="account")
    login_url = f"{reverse('accounts:login')}?next={reverse('producers:register')}"
    return render(
        request,
        "producers/register.html",
        {"form": form, "account_form": account_form, "login_url": login_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def producer_create(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not can_create_producer(access):
        raise Http404
    communes = filter_communes(access)
    if request.method == "POST":
        form = StaffProducerForm(request.POST, communes=communes)
        if form.is_valid():
            try:
                producer = create_producer(
                    actor=request.user,
                    data=form.producer_data(),
                    owner=form.cleaned_data["owner"] or None,
                )
            except ValidationError as exc:
                attach_errors(exc, form)
            else:
                messages.success(request, _("The producer was added."))
                return redirect("producers:detail", code=producer.code)
    else:
        form = StaffProducerForm(communes=communes)
    return render(request, "producers/form.html", {"form": form, "producer": None})


def _initial(producer: Producer) -> dict[str, Any]:
    return {name: getattr(producer, name) for name in PRODUCER_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def producer_edit(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    producer = access_producer(access, code, write=True)
    options = {
        "communes": filter_communes(access),
        "keep_commune": producer.commune,
        "status": producer.status,
    }
    if request.method == "POST":
        form = EditProducerForm(request.POST, **options)
        if form.is_valid():
            try:
                update_producer(
                    actor=request.user,
                    producer=producer,
                    data=form.producer_data(),
                    resubmit=form.cleaned_data.get("resubmit", False),
                )
            except ValidationError as exc:
                attach_errors(exc, form)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("producers:detail", code=producer.code)
    else:
        form = EditProducerForm(initial=_initial(producer), **options)
    return render(request, "producers/form.html", {"form": form, "producer": producer})


@login_required
@require_POST
def producer_status(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Approve, reject, suspend or reinstate: the commune officer of the producer's commune, the
    province office and admins. Rejecting and suspending need a reason."""
    access = access_for(request.user)
    producer = access_producer(access, code, approve=True)
    to, needs_reason, _label, _from = STATUS_ACTIONS[action]
    form = StatusForm(request.POST, require_reason=needs_reason, auto_id=f"{action}-%s")
    if form.is_valid():
        try:
            change_producer_status(
                actor=request.user, producer=producer, to=to, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            attach_errors(exc, form)
        else:
            messages.success(request, _("The status of the producer was changed."))
            return redirect("producers:detail", code=producer.code)
    producer.refresh_from_db()
    actions = status_actions(access, producer, bound={action: form})
    if not any(item["action"] == action for item in actions):
        messages.error(request, _("This action is not possible at this stage."))
        return redirect("producers:detail", code=producer.code)
    context = detail_context(request, producer, "info", actions=actions)
    return render(request, "producers/detail.html", context, status=422)

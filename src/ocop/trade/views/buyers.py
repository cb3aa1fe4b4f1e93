"""Buyers: self-registration (/ket-noi/dang-ky/), the office's list, a buyer's profile with its
status actions and history, and edits."""

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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.core.forms import add_service_errors
from ocop.core.queries.activity import history_for
from ocop.core.views.lists import list_state
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.services.refusals import NotAllowed, Refusal
from ocop.geo.queries.gazetteer import commune_choices
from ocop.producers.forms import AccountForm, attach_errors
from ocop.trade.enums import BuyerKind, BuyerStatus
from ocop.trade.forms import BuyerForm, ReasonForm
from ocop.trade.models import Buyer
from ocop.trade.queries.board import demands_visible_to
from ocop.trade.queries.buyers import (
    access_buyer,
    buyer_of,
    buyers_visible_to,
    can_edit_buyer,
    filter_buyers,
)
from ocop.trade.rules import is_trade_official, manages_buyers
from ocop.trade.services.buyers import (
    BUYER_FIELDS,
    change_buyer_status,
    register_buyer,
    update_buyer,
)
from ocop.trade.views.common import refuse

SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "name": ("name_folded", gettext_lazy("Name")),
    "created": ("-created_at", gettext_lazy("Newest first")),
    "status": (["status", "name_folded"], gettext_lazy("Status")),
}
LIST_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("Name"), "name", width=36),
    Column(gettext_lazy("Kind"), "get_kind_display"),
    Column(gettext_lazy("Tax code (MST)"), "tax_code"),
    Column(gettext_lazy("Address"), "address", width=36),
    Column(gettext_lazy("Commune"), "commune.name", width=24),
    Column(gettext_lazy("Contact person"), "contact_name", width=24),
    Column(gettext_lazy("Phone"), "phone"),
    Column(gettext_lazy("E-mail"), "email", width=24),
    Column(gettext_lazy("Registered on"), "created_at", kind="date"),
    Column(gettext_lazy("Status"), "get_status_display"),
]

# action -> (target status, reason required, label, the status it starts from)
STATUS_ACTIONS: dict[str, tuple[str, bool, Any, tuple[str, ...]]] = {
    "approve": (
        BuyerStatus.ACTIVE,
        False,
        gettext_lazy("Approve"),
        (BuyerStatus.PENDING, BuyerStatus.REJECTED),
    ),
    "reject": (BuyerStatus.REJECTED, True, gettext_lazy("Reject"), (BuyerStatus.PENDING,)),
    "suspend": (BuyerStatus.SUSPENDED, True, gettext_lazy("Suspend"), (BuyerStatus.ACTIVE,)),
    "reinstate": (
        BuyerStatus.ACTIVE,
        False,
        gettext_lazy("Reinstate"),
        (BuyerStatus.SUSPENDED,),
    ),
}


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """A buyer registers itself; a visitor without an account creates one in the same step (and
    is signed in). Someone who already has a buyer is sent to it."""
    user = request.user
    signed_in = user.is_authenticated
    if signed_in:
        existing = buyer_of(user)
        if existing is not None:
            messages.info(request, _("You have already registered your buyer."))
            return redirect("trade:buyer", code=existing.code)
    account_form: AccountForm | None = None
    if request.method == "POST":
        form = BuyerForm(request.POST)
        if not signed_in:
            account_form = AccountForm(request.POST, prefix="account")
        forms_ = [form] if account_form is None else [form, account_form]
        valid = [f.is_valid() for f in forms_]
        if all(valid):
            try:
                buyer = register_buyer(
                    actor=user if signed_in else None,
                    data=form.buyer_data(),
                    account=account_form.account_data() if account_form else None,
                )
            except ValidationError as exc:
                attach_errors(exc, *forms_)
            else:
                if not signed_in:
                    login(
                        request,
                        buyer.created_by,
                        backend="django.contrib.auth.backends.ModelBackend",
                    )
                messages.success(
                    request,
                    _(
                        "Your buyer is registered. The provincial OCOP office will review it; "
                        "you can post demands once it is approved."
                    ),
                )
                return redirect("trade:buyer", code=buyer.code)
    else:
        form = BuyerForm()
        if not signed_in:
            account_form = AccountForm(prefix="account")
    login_url = f"{reverse('accounts:login')}?next={reverse('trade:register')}"
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "trade/buyers/register.html",
        {"form": form, "account_form": account_form, "login_url": login_url},
        status=status,
    )


@login_required
@require_GET
def buyer_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not is_trade_official(access):
        raise Http404
    filters = {name: request.GET.get(name, "").strip() for name in ("status", "kind", "commune")}
    queryset = filter_buyers(buyers_visible_to(access).select_related("commune"), **filters)
    state = list_state(
        request,
        queryset,
        search_fields=("name_folded", "tax_code"),
        sort_options=SORT_OPTIONS,
        default_sort="name",
    )
    if wants_xlsx(request):
        return xlsx_response(_("Buyers"), _("Buyers"), LIST_COLUMNS, state.queryset)
    return render(
        request,
        "trade/buyers/list.html",
        {
            "state": state,
            "filters": filters,
            "statuses": BuyerStatus.choices,
            "kinds": BuyerKind.choices,
            "communes": [(unit.key, unit.name) for unit in commune_choices()],
        },
    )


def _actions(buyer: Buyer, bound: dict[str, ReasonForm] | None = None) -> list[dict[str, Any]]:
    actions = []
    for action, (_to, needs_reason, label, from_statuses) in STATUS_ACTIONS.items():
        if buyer.status not in from_statuses:
            continue
        form = (bound or {}).get(action) or ReasonForm(auto_id=f"{action}-%s")
        actions.append({"action": action, "label": label, "form": form, "reason": needs_reason})
    return actions


def _detail_context(request: HttpRequest, buyer: Buyer, **extra: Any) -> dict[str, Any]:
    access = access_for(request.user)
    manage = manages_buyers(access)
    bound = extra.pop("bound", None)
    demands = demands_visible_to(access).filter(buyer=buyer).order_by("-created_at", "-pk")[:20]
    return {
        "buyer": buyer,
        "can_edit": can_edit_buyer(access, buyer),
        "actions": _actions(buyer, bound) if manage else [],
        "demands": list(demands),
        "history": history_for(buyer) if manage else None,
        **extra,
    }


@login_required
@require_GET
def buyer_detail(request: HttpRequest, code: str) -> HttpResponse:
    buyer = access_buyer(request.user, code)
    return render(request, "trade/buyers/detail.html", _detail_context(request, buyer))


@login_required
@require_http_methods(["GET", "POST"])
def buyer_edit(request: HttpRequest, code: str) -> HttpResponse:
    buyer = access_buyer(request.user, code, write=True)
    if request.method == "POST":
        form = BuyerForm(request.POST)
        if form.is_valid():
            try:
                update_buyer(actor=request.user, buyer=buyer, data=form.buyer_data())
            except NotAllowed as exc:
                raise refuse(exc) from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The buyer's details are saved."))
                return redirect("trade:buyer", code=buyer.code)
        return render(request, "trade/buyers/form.html", {"form": form, "buyer": buyer}, status=422)
    initial = {name: getattr(buyer, name) for name in BUYER_FIELDS}
    form = BuyerForm(initial=initial)
    return render(request, "trade/buyers/form.html", {"form": form, "buyer": buyer})


@login_required
@require_POST
def buyer_status(request: HttpRequest, code: str, action: str) -> HttpResponse:
    if action not in STATUS_ACTIONS:
        raise Http404
    buyer = access_buyer(request.user, code, manage=True)
    to = STATUS_ACTIONS[action][0]
    form = ReasonForm(request.POST, auto_id=f"{action}-%s")
    if form.is_valid():
        try:
            change_buyer_status(
                actor=request.user, buyer=buyer, to=to, reason=form.cleaned_data["reason"]
            )
        except NotAllowed as exc:
            raise refuse(exc) from None
        except ValidationError as exc:
            if isinstance(exc, Refusal):
                form.add_error(None, exc.text)
            else:
                add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The buyer is now “%(status)s”.") % {"status": BuyerStatus(to).label},
            )
            return redirect("trade:buyer", code=buyer.code)
    context = _detail_context(request, buyer, bound={action: form})
    return render(request, "trade/buyers/detail.html", context, status=422)

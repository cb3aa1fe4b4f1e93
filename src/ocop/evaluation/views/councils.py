"""The council screens: the list (the office creates councils there) and a council: its
members, its sub-councils, its settings (quorum, discussion threshold) and its sessions. The
office manages; the council's own people read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.core.forms import add_service_errors
from ocop.evaluation.forms_sessions import (
    CouncilForm,
    CouncilSettingsForm,
    MemberForm,
    SessionForm,
    SubCouncilForm,
)
from ocop.evaluation.models import Council
from ocop.evaluation.queries.councils import (
    access_council,
    can_manage_councils,
    councils_visible_to,
    members_of,
    with_council_columns,
)
from ocop.evaluation.queries.sessions import with_session_columns
from ocop.evaluation.services.archive import create_archive_session
from ocop.evaluation.services.councils import (
    add_council_member,
    create_council,
    remove_council_member,
    update_council,
)
from ocop.evaluation.services.sessions import create_session


@login_required
@require_http_methods(["GET", "POST"])
def council_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    manages = can_manage_councils(access)
    if not manages and not access.is_council:
        raise Http404
    form = None
    if manages:
        form = CouncilForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                council = create_council(
                    actor=request.user, level=form.cleaned_data["level"], **form.settings()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Council “%(name)s” created.") % {"name": council.name})
                return redirect("evaluation:council", code=council.code)
    elif request.method == "POST":
        raise Http404
    councils = with_council_columns(councils_visible_to(access)).order_by(
        "-is_active", "parent__name", "name", "id"
    )
    return render(
        request,
        "evaluation/councils/list.html",
        {"councils": list(councils), "form": form, "manages": manages},
    )


def _settings_initial(council: Council) -> dict[str, Any]:
    return {
        "name": council.name,
        "quorum_percent": (council.quorum_ratio * 100).normalize(),
        "quorum_requires_chair": council.quorum_requires_chair,
        "spread_threshold": council.spread_threshold,
    }


def _detail(
    request: HttpRequest, council: Council, *, status: int = 200, **forms: Any
) -> HttpResponse:
    access = access_for(request.user)
    manages = can_manage_councils(access)
    context: dict[str, Any] = {
        "council": council,
        "manages": manages,
        "members": list(members_of(council)),
        "groups": list(council.product_groups.select_related("criteria_set")),
        "sub_councils": list(
            with_council_columns(council.sub_councils.all()).order_by("name", "id")
        ),
        "sessions": list(with_session_columns(council.sessions.all()).order_by("-held_on", "-id")),
    }
    if manages:
        context["member_form"] = forms.get("member_form") or MemberForm()
        context["session_form"] = forms.get("session_form") or SessionForm(council=council)
        context["settings_form"] = forms.get("settings_form") or CouncilSettingsForm(
            initial=_settings_initial(council)
        )
        if council.parent_id is None:
            context["sub_council_form"] = forms.get("sub_council_form") or SubCouncilForm(
                initial={"quorum_percent": 75, "quorum_requires_chair": True}
            )
    return render(request, "evaluation/councils/detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def council_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, access_council(request.user, code))


@login_required
@require_POST
def member_add(request: HttpRequest, code: str) -> HttpResponse:
    council = access_council(request.user, code, manage=True)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            seat = add_council_member(actor=request.user, council=council, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s now sits on the council as %(role)s.")
                % {"name": seat.user.get_full_name(), "role": seat.get_role_display()},
            )
            return redirect("evaluation:council", code=council.code)
    return _detail(request, council, status=400, member_form=form)


@login_required
@require_POST
def member_remove(request: HttpRequest, code: str, username: str) -> HttpResponse:
    council = access_council(request.user, code, manage=True)
    seat = members_of(council).filter(user__username=username).first()
    if seat is None:
        raise Http404
    try:
        remove_council_member(actor=request.user, member=seat)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s no longer sits on the council.") % {"name": seat.user.get_full_name()},
        )
    return redirect("evaluation:council", code=council.code)


@login_required
@require_POST
def council_settings(request: HttpRequest, code: str) -> HttpResponse:
    council = access_council(request.user, code, manage=True)
    form = CouncilSettingsForm(request.POST)
    if form.is_valid():
        try:
            update_council(actor=request.user, council=council, data=form.settings())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The council's settings are saved."))
            return redirect("evaluation:council", code=council.code)
    return _detail(request, council, status=400, settings_form=form)


@login_required
@require_POST
def sub_council_create(request: HttpRequest, code: str) -> HttpResponse:
    council = access_council(request.user, code, manage=True)
    form = SubCouncilForm(request.POST)
    if form.is_valid():
        try:
            sub = create_council(
                actor=request.user,
                parent=council,
                product_groups=form.cleaned_data["product_groups"],
                **form.settings(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sub-council “%(name)s” created.") % {"name": sub.name})
            return redirect("evaluation:council", code=sub.code)
    return _detail(request, council, status=400, sub_council_form=form)


@login_required
@require_POST
def session_create(request: HttpRequest, code: str) -> HttpResponse:
    council = access_council(request.user, code, manage=True)
    form = SessionForm(request.POST, council=council)
    if form.is_valid():
        try:
            data = dict(form.cleaned_data)
            minutes = data.pop("minutes_reference", "")
            if minutes:
                session = create_archive_session(
                    actor=request.user, council=council, minutes_reference=minutes, **data
                )
            else:
                session = create_session(actor=request.user, council=council, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Session %(code)s on %(date)s created: add the dossiers to its agenda.")
                % {"code": session.code, "date": session.held_on.strftime("%d/%m/%Y")},
            )
            return redirect("evaluation:session", code=session.code)
    return _detail(request, council, status=400, session_form=form)

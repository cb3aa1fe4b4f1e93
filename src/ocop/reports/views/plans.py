"""Plans (kế hoạch): the list of a year's plans with their progress, a plan's targets against
what was ranked, and the office's forms to set them.

Officials read (`can_see_reports`; a commune officer their communes' plans and the province's);
the provincial office and administrators write (`can_manage_plans`). Anyone else gets 404 (an
anonymous visitor is sent to sign in)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ocop.accounts.rules import access_for
from ocop.core.forms import add_service_errors
from ocop.core.queries.activity import history_for
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.services.refusals import NotAllowed
from ocop.reports.forms import PlanForm, PlanYearForm
from ocop.reports.models import Plan
from ocop.reports.queries.plans import (
    PlanProgress,
    access_plan,
    find_unit,
    in_unit_order,
    plan_progress,
    plan_url_code,
    plan_years,
    plans_visible_to,
    progress_of_plans,
)
from ocop.reports.queries.units import unit_choices
from ocop.reports.rules import can_manage_plans, can_see_reports
from ocop.reports.services.plans import YEAR_MAX, YEAR_MIN, save_plan

# A row is a plan's progress (`PlanProgress`): its targets against what was ranked.
LIST_COLUMNS = [
    Column(gettext_lazy("Year"), "plan.year", kind="int"),
    Column(gettext_lazy("Unit code"), "plan.unit.code"),
    Column(gettext_lazy("Administrative unit"), "plan.unit.name", width=30),
    Column(gettext_lazy("Products target"), "plan.products_target", kind="int"),
    Column(gettext_lazy("Ranked"), "products.actual", kind="int"),
    Column(gettext_lazy("Achievement (%)"), "products.percent", kind="decimal", decimals=1),
    Column(gettext_lazy("3★ target"), "plan.stars_3_target", kind="int"),
    Column(gettext_lazy("3★ ranked"), lambda item: item.stars.get("3", 0), kind="int"),
    Column(gettext_lazy("4★ target"), "plan.stars_4_target", kind="int"),
    Column(gettext_lazy("4★ ranked"), lambda item: item.stars.get("4", 0), kind="int"),
    Column(gettext_lazy("5★ target"), "plan.stars_5_target", kind="int"),
    Column(gettext_lazy("5★ ranked"), lambda item: item.stars.get("5", 0), kind="int"),
    Column(gettext_lazy("Potential 5★"), lambda item: item.stars.get("potential_5", 0), kind="int"),
]


def _year(value: str | None) -> int | None:
    try:
        year = int(value or "")
    except ValueError:
        return None
    return year if YEAR_MIN <= year <= YEAR_MAX else None


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """/bao-cao/ke-hoach/?year=: the plans of a year (the latest year with a plan by default),
    each with its progress: the same number of queries for 1 or 100 plans."""
    access = access_for(request.user)
    if not can_see_reports(access):
        raise Http404
    years = plan_years(access)
    year = _year(request.GET.get("year")) or (years[0] if years else timezone.localdate().year)
    plans = in_unit_order(list(plans_visible_to(access).filter(year=year).select_related("unit")))
    for plan in plans:
        plan.url_code = plan_url_code(plan)  # type: ignore[attr-defined]
    progress: list[PlanProgress] = progress_of_plans(plans)
    if wants_xlsx(request):
        title = _("Plans of %(year)s") % {"year": year}
        return xlsx_response(title, title, LIST_COLUMNS, progress)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    return render(
        request,
        "reports/plan_list.html",
        {
            "year": year,
            "years": years,
            "progress": progress,
            "can_manage": can_manage_plans(access),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    """/bao-cao/ke-hoach/moi/?year=: a new plan (the office). The units offered are those of the
    year (districts only before the reform of 1/7/2025)."""
    if not can_manage_plans(access_for(request.user)):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    year = _year(source.get("year")) or timezone.localdate().year
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        units=unit_choices(year),
        initial={"year": year},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            unit = find_unit(form.cleaned_data["unit"], form.cleaned_data["year"])
            if Plan.objects.filter(year=form.cleaned_data["year"], unit=unit).exists():
                form.add_error("unit", _("This unit already has a plan for that year."))
            else:
                try:
                    plan = save_plan(
                        actor=request.user,
                        year=form.cleaned_data["year"],
                        unit=form.cleaned_data["unit"],
                        data=form.service_data(),
                    )
                except NotAllowed as exc:
                    raise PermissionDenied(exc.text) from None
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The plan is saved."))
                    return redirect("reports:plan", year=plan.year, unit=plan_url_code(plan))
        status = 422
    return render(
        request,
        "reports/plan_form.html",
        {
            "form": form,
            "plan": None,
            "year": year,
            "year_form": PlanYearForm(initial={"year": year}),
        },
        status=status,
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    """/bao-cao/ke-hoach/<year>/<unit code>/: the targets against what was ranked, per class."""
    plan = access_plan(request.user, year, unit)
    plan.url_code = plan_url_code(plan)  # type: ignore[attr-defined]
    can_manage = can_manage_plans(access_for(request.user))
    return render(
        request,
        "reports/plan_detail.html",
        {
            "plan": plan,
            "progress": plan_progress(plan),
            "can_manage": can_manage,
            "history": history_for(plan) if can_manage else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    """/bao-cao/ke-hoach/<year>/<unit code>/sua/: change the targets (the office)."""
    plan = access_plan(request.user, year, unit, write=True)
    plan.url_code = plan_url_code(plan)  # type: ignore[attr-defined]
    initial = {
        name: getattr(plan, name)
        for name in (
            "products_target",
            "stars_3_target",
            "stars_4_target",
            "stars_5_target",
            "reference",
            "note",
        )
    }
    form = PlanForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save_plan(
                    actor=request.user, year=plan.year, unit=plan.unit, data=form.service_data()
                )
            except NotAllowed as exc:
                raise PermissionDenied(exc.text) from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The plan is saved."))
                return redirect("reports:plan", year=plan.year, unit=plan.url_code)  # type: ignore[attr-defined]
        status = 422
    return render(request, "reports/plan_form.html", {"form": form, "plan": plan}, status=status)

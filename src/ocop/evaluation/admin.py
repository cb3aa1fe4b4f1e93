"""Self-assessments in the admin, read-only: every change goes through the services (and the
log)."""

from __future__ import annotations

from django.contrib import admin

from ocop.core.admin import ReadOnlyAdmin
from ocop.evaluation.models import SelfAssessment


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "product",
        "criteria_set",
        "scorecard",
        "status",
        "total",
        "predicted_stars",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "criteria_set")
    list_select_related = ("product", "criteria_set", "scorecard", "created_by")
    search_fields = ("code", "product__code", "product__name")
    readonly_fields = ("code", "created_at", "updated_at")


# --- decisions and the outbox (issue 4): read-only, every change goes through the services. An
# approved decision is final anyway (its model refuses any save or delete).
from ocop.evaluation.models import Decision, DecisionItem, OutboxMessage  # noqa: E402


class DecisionItemInline(admin.TabularInline):
    model = DecisionItem
    extra = 0
    can_delete = False
    fields = ("dossier", "agenda_item", "recognised", "stars", "mean_total", "proposed_central")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("code", "number", "title", "round", "level", "status", "signed_on")
    list_filter = ("status", "level")
    list_select_related = ("round",)
    search_fields = ("code", "number", "title")
    readonly_fields = ("code", "created_at", "updated_at")
    inlines = (DecisionItemInline,)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "to_email", "subject", "kind", "needs_review", "status")
    list_filter = ("status", "kind", "needs_review")
    search_fields = ("to_email", "subject")


# --- dossiers and the holiday calendar (issue 4, items 1–2) ------------------------------------
from typing import Any  # noqa: E402

from django.http import HttpRequest  # noqa: E402

from ocop.evaluation.models import Dossier, DossierEvent, Holiday  # noqa: E402
from ocop.evaluation.services.calendar import delete_holiday, save_holiday  # noqa: E402


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The one calendar kept in the admin: public holidays and compensating days off, which the
    working-day deadlines skip. Loaded from data/holidays-vn.json (`ocop load-holidays`), then
    checked against each year's official announcement here. Every change is logged."""

    list_display = ("date", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
    ordering = ("date",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        save_holiday(actor=request.user, holiday=obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        delete_holiday(actor=request.user, holiday=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for holiday in queryset:
            delete_holiday(actor=request.user, holiday=holiday)


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "level", "actor", "reason", "due_on")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ("code", "product", "producer", "commune", "kind", "status", "level", "due_on")
    list_filter = ("status", "level", "kind", "criteria_set")
    list_select_related = ("product", "producer", "commune")
    search_fields = ("code", "product__code", "product__name", "producer__name")
    readonly_fields = ("code", "created_at", "updated_at")
    inlines = (DossierEventInline,)


# --- rounds, councils, sessions and sheets (issue 4, items 3–4): read-only; the office manages
# them on the site (/danh-gia/dot/, /danh-gia/hoi-dong/), every change through the services.
from ocop.evaluation.models import (  # noqa: E402
    ConflictDeclaration,
    Council,
    CouncilMember,
    DiscussionRound,
    Round,
    ScoreSheet,
    ScoreSheetVersion,
    Session,
    SessionDossier,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "year", "number", "level", "criteria_set", "status")
    list_filter = ("status", "level", "year")
    list_select_related = ("criteria_set",)
    search_fields = ("code", "name")
    readonly_fields = ("code", "created_at", "updated_at")


class CouncilMemberInline(ReadOnlyInline):
    model = CouncilMember
    fields = ("user", "role", "department", "is_active")
    readonly_fields = fields


@admin.register(Council)
class CouncilAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "parent", "quorum_ratio", "spread_threshold")
    list_filter = ("level", "is_active")
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    readonly_fields = ("code", "created_at", "updated_at")
    inlines = (CouncilMemberInline,)


class AgendaInline(ReadOnlyInline):
    model = SessionDossier
    fields = ("position", "dossier", "flagged_for_discussion", "mean_total", "stars", "band_stars")
    readonly_fields = fields


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("code", "council", "round", "held_on", "status", "closed_at")
    list_filter = ("status",)
    list_select_related = ("council", "round")
    search_fields = ("code", "council__name", "place")
    readonly_fields = ("code", "created_at", "updated_at")
    inlines = (AgendaInline,)


class SheetVersionInline(ReadOnlyInline):
    model = ScoreSheetVersion
    fields = ("version", "status", "total", "discussion", "created_at")
    readonly_fields = fields


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    list_display = ("item", "member", "status", "total", "version", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("item__session__council", "item__dossier", "member__user")
    search_fields = ("item__dossier__code", "item__session__code", "member__user__username")
    inlines = (SheetVersionInline,)


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("item", "member", "has_conflict", "declared_at")
    list_filter = ("has_conflict",)
    list_select_related = ("item__session__council", "item__dossier", "member__user")


@admin.register(DiscussionRound)
class DiscussionRoundAdmin(ReadOnlyAdmin):
    list_display = ("item", "number", "spread_before", "opened_by", "opened_at", "closed_at")
    list_select_related = ("item__session__council", "item__dossier", "opened_by")

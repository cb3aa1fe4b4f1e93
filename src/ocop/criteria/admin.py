"""The OCOP rules in the admin: for looking things up. Criteria sets change only through
`ocop import-criteria` (the data files are the one source) and the services of
services/sets.py, so the admin is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ocop.criteria.models import (
    ClassificationNode,
    Correction,
    CriteriaSet,
    KnockoutRule,
    Node,
    Note,
    Option,
    Scorecard,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "name",
        "status",
        "official",
        "in_force_from",
        "in_force_to",
        "locked_at",
        "source_file",
    )
    list_filter = ("status", "official")
    search_fields = ("code", "name", "legal_reference")


@admin.register(ClassificationNode)
class ClassificationNodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "criteria_set", "managing_ministry", "scorecard")
    list_filter = ("criteria_set", "level")
    search_fields = ("code", "name")
    list_select_related = ("criteria_set", "scorecard")


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ("number", "name", "criteria_set", "usable", "total_max")
    list_filter = ("criteria_set", "usable")
    search_fields = ("name",)
    list_select_related = ("criteria_set",)


@admin.register(Node)
class NodeAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "display_title",
        "scorecard",
        "kind",
        "max_points",
        "scorable",
        "binary",
        "conditional",
        "cases",
    )
    list_filter = ("scorecard__criteria_set", "kind", "binary", "conditional", "cases")
    search_fields = ("code", "title")
    list_select_related = ("scorecard",)


@admin.register(Option)
class OptionAdmin(ReadOnlyAdmin):
    list_display = ("seq", "label", "points", "min_star_marker", "case", "node")
    list_filter = ("node__scorecard__criteria_set", "min_star_marker")
    search_fields = ("label_source",)
    list_select_related = ("node",)


@admin.register(Note)
class NoteAdmin(ReadOnlyAdmin):
    list_display = ("seq", "kind", "text", "scorecard", "node")
    list_filter = ("scorecard__criteria_set", "kind")
    search_fields = ("text",)
    list_select_related = ("scorecard", "node")


@admin.register(KnockoutRule)
class KnockoutRuleAdmin(ReadOnlyAdmin):
    list_display = ("code", "scope", "criterion_code", "text", "scorecard")
    list_filter = ("scorecard__criteria_set", "scope")
    search_fields = ("text",)
    list_select_related = ("scorecard",)


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = (
        "criteria_set",
        "board_no",
        "node_code",
        "option_seq",
        "field",
        "source_value",
        "corrected_value",
        "status",
        "applied",
    )
    list_filter = ("criteria_set", "status")
    list_select_related = ("criteria_set",)

"""Who may see and do what in state management. The loaders (`access_*`) sit in the query
modules; these predicates are what they and the views ask."""

from __future__ import annotations

from typing import Any

from ocop.accounts.rules import Access, as_access


def can_see_reports(user_or_access: Any) -> bool:
    """The dashboard, the lists behind it and the yearly report: officials. Province-wide for
    the provincial office, the approver, council members and administrators; a commune officer
    sees the figures of the commune(s) they act for."""
    access = as_access(user_or_access)
    return access.sees_whole_province or access.is_commune_officer


def sees_whole_province(user_or_access: Any) -> bool:
    return as_access(user_or_access).sees_whole_province


def report_unit_ids(access: Access) -> frozenset[int] | None:
    """None: every unit; otherwise the commune units the figures are limited to."""
    if access.sees_whole_province:
        return None
    return access.commune_unit_ids


def can_manage_plans(user_or_access: Any) -> bool:
    """Plans are set by the provincial OCOP office (or an administrator)."""
    access = as_access(user_or_access)
    return access.is_admin or access.is_province_officer


def can_manage_training(user_or_access: Any) -> bool:
    """Courses, sessions, participants and attendance: the provincial office, an administrator,
    and commune officers for the courses of their own commune (checked by the loader)."""
    access = as_access(user_or_access)
    return access.is_admin or access.is_province_officer or access.is_commune_officer


def can_import(user_or_access: Any) -> bool:
    """Spreadsheet imports write the registry and results: the provincial office and
    administrators only."""
    access = as_access(user_or_access)
    return access.is_admin or access.is_province_officer

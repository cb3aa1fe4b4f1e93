from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import access_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu for the user's roles. Each entry is shown only to the roles that can use it."""
    access = access_for(getattr(request, "user", None))
    items: list[tuple[str, Any]] = []
    if access.is_authenticated:
        items.append((reverse("core:dashboard"), _("Dashboard")))
    if access.is_staff_user:
        items.append((reverse("producers:list"), _("Producers")))
        items.append((reverse("products:list"), _("Products")))
    elif access.is_producer:
        items.append((reverse("producers:mine"), _("My producer")))
        items.append((reverse("products:list"), _("My products")))
    # The evaluation (issue 4): the province's office works on every dossier, its rounds and
    # councils; a commune's officer on the dossiers submitted to the commune (the inbox); a
    # producer on their own dossiers.
    officials = access.is_admin or access.is_province_officer
    if officials:
        items.append((reverse("evaluation:dossiers"), _("Dossiers")))
        items.append((reverse("evaluation:rounds"), _("Rounds")))
        items.append((reverse("evaluation:councils"), _("Councils")))
    elif access.is_commune_officer:
        items.append((reverse("evaluation:dossier_inbox"), _("Dossiers")))
    elif access.is_producer:
        items.append((reverse("evaluation:dossiers"), _("Dossiers")))
    if officials or access.is_approver:  # drafted by the office, approved by the approver
        items.append((reverse("evaluation:decisions"), _("Decisions")))
    if officials or access.is_approver or access.is_commune_officer or access.is_producer:
        items.append((reverse("certificates:list"), _("Certificates")))
    # Traceability (issue 6): the producers' batches and stamps; officials see them too.
    if officials or access.is_commune_officer or access.is_producer:
        items.append((reverse("traceability:batches"), _("Traceability")))
    if access.is_council:  # the council's chair, members and secretary: their sessions
        items.append((reverse("evaluation:my_sessions"), _("Scoring")))
    # State management (issue 8): the dashboard, the yearly report, plans, training, imports.
    if access.sees_whole_province or access.is_commune_officer:
        items.append((reverse("reports:dashboard"), _("Reports")))
    # The portal (issue 7): the public catalogue, the points of sale, the news; the
    # supply–demand board for buyers, producers and officials.
    items.append((reverse("catalog:list"), _("OCOP products")))
    items.append((reverse("points:directory"), _("Points of sale")))
    if officials or access.is_buyer or access.is_producer or access.is_commune_officer:
        items.append((reverse("trade:home"), _("Supply and demand")))
    items.append((reverse("news:list"), _("News")))
    items.append((reverse("criteria:sets"), _("Criteria")))  # public: the OCOP rules
    items.append((reverse("results:rounds"), _("Results")))  # public: the recognised products
    items.append((reverse("geo:units"), _("Administrative map")))
    if access.is_admin:
        items.append((reverse("admin:index"), _("Administration")))
    current = request.path
    menu = [
        {"url": url, "label": label, "active": current.startswith(url) and url != "/"}
        for url, label in items
    ]
    return {"nav_menu": menu, "access": access}

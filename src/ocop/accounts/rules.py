"""Who a user is in the programme: roles and scopes, read once per request.

Every permission loader starts from `access_for(user)`. Keep one condition per line so coverage
shows each branch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ocop.accounts.enums import COUNCIL_ROLES, PRODUCER_ROLES, Role


@dataclass(frozen=True)
class Access:
    user_id: int | None
    is_superuser: bool = False
    roles: frozenset[str] = frozenset()
    # organisation id -> roles held there
    org_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    # administrative unit ids the user acts for as a commune officer
    commune_unit_ids: frozenset[int] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or Role.ADMIN in self.roles

    @property
    def is_province_officer(self) -> bool:
        return Role.PROVINCE_OFFICER in self.roles

    @property
    def is_commune_officer(self) -> bool:
        return Role.COMMUNE_OFFICER in self.roles

    @property
    def is_council(self) -> bool:
        return bool(self.roles & COUNCIL_ROLES)

    @property
    def is_approver(self) -> bool:
        return Role.APPROVER in self.roles

    @property
    def is_producer(self) -> bool:
        return bool(self.roles & PRODUCER_ROLES)

    @property
    def is_buyer(self) -> bool:
        return Role.BUYER in self.roles

    @property
    def sees_whole_province(self) -> bool:
        """Province-wide read access to the registry."""
        return self.is_admin or self.is_province_officer or self.is_council or self.is_approver

    @property
    def is_staff_user(self) -> bool:
        return self.sees_whole_province or self.is_commune_officer

    def organisations_with(self, *roles: str) -> frozenset[int]:
        wanted = set(roles)
        return frozenset(org_id for org_id, held in self.org_roles.items() if held & wanted)


ANONYMOUS = Access(user_id=None)


def access_for(user: Any) -> Access:
    """The user's roles and scopes, computed with one query and cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_ocop_access", None)
    if cached is not None:
        return cached
    from ocop.accounts.models import Membership  # leaf: rules is imported by models' users

    org_roles: dict[int, set[str]] = {}
    communes: set[int] = set()
    rows = Membership.objects.filter(user_id=user.pk, organisation__is_active=True).values_list(
        "organisation_id", "role", "organisation__unit_id"
    )
    for org_id, role, unit_id in rows:
        org_roles.setdefault(org_id, set()).add(role)
        if role == Role.COMMUNE_OFFICER and unit_id is not None:
            communes.add(unit_id)
    access = Access(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        roles=frozenset(r for held in org_roles.values() for r in held),
        org_roles={org: frozenset(held) for org, held in org_roles.items()},
        commune_unit_ids=frozenset(communes),
    )
    user._ocop_access = access
    return access


def as_access(user_or_access: Any) -> Access:
    """Loaders accept a user or an Access already computed."""
    return user_or_access if isinstance(user_or_access, Access) else access_for(user_or_access)

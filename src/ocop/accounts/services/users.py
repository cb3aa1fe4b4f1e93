from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.enums import ROLES_BY_KIND, OrganisationKind
from ocop.accounts.models import Membership, Organisation, User
from ocop.core.services.activity import log_action
from ocop.core.text import nfc
from ocop.geo.enums import UnitLevel


@transaction.atomic
def create_user(
    *,
    actor: Any,
    username: str,
    password: str | None,
    full_name: str = "",
    email: str = "",
    phone: str = "",
) -> User:
    username = nfc(username)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(
        username=username, full_name=nfc(full_name), email=nfc(email).lower(), phone=nfc(phone)
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    log_action(
        actor, "accounts.user.create", user, new={"username": username, "full_name": user.full_name}
    )
    return user


@transaction.atomic
def create_organisation(*, actor: Any, kind: str, name: str, unit: Any = None) -> Organisation:
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": _("Unknown organisation kind.")})
    # A commune officer's scope is the committee's commune: it cannot be left empty.
    if kind == OrganisationKind.COMMUNE_COMMITTEE and (
        unit is None or unit.level != UnitLevel.COMMUNE
    ):
        raise ValidationError(
            {"unit": _("A commune People's Committee needs the commune it acts for.")}
        )
    organisation = Organisation.objects.create(kind=kind, name=nfc(name), unit=unit)
    log_action(
        actor,
        "accounts.organisation.create",
        organisation,
        new={"kind": kind, "name": organisation.name, "unit": unit.key if unit else None},
    )
    return organisation


@transaction.atomic
def add_membership(*, actor: Any, user: User, organisation: Organisation, role: str) -> Membership:
    if role not in ROLES_BY_KIND.get(organisation.kind, frozenset()):
        raise ValidationError(
            {"role": _("This role does not belong in this kind of organisation.")}
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        log_action(
            actor,
            "accounts.membership.add",
            user,
            data={"organisation": organisation.code, "role": role},
        )
    user.__dict__.pop("_ocop_access", None)
    return membership


@transaction.atomic
def remove_membership(*, actor: Any, membership: Membership) -> None:
    user = membership.user
    data = {"organisation": membership.organisation.code, "role": membership.role}
    membership.delete()
    log_action(actor, "accounts.membership.remove", user, data=data)
    user.__dict__.pop("_ocop_access", None)

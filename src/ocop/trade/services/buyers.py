"""Every write to the buyers of the board: self-registration, edits, and the office's decisions.

- `register_buyer`: a supermarket chain, shop, exporter, restaurant … registers itself at
  /ket-noi/dang-ky/. An anonymous visitor creates their account in the same step; the account
  gets the BUYER role in a new organisation of kind BUYER (or, for a signed-in person who already
  holds the BUYER role in an organisation without a buyer record, in that organisation), and the
  buyer waits (PENDING) for the provincial office.
- `update_buyer`: the buyer's people (or the office) correct the profile.
- `change_buyer_status`: the one transition (`BUYER_TRANSITIONS`): approve, reject (with a
  reason), suspend (with a reason), reinstate; by the office or the administrator. The buyer's
  people are told (in-app and by e-mail).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.models import Organisation
from ocop.accounts.rules import access_for
from ocop.accounts.services.users import add_membership, create_organisation, create_user
from ocop.certificates.services.people import office_users, site_language
from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc
from ocop.evaluation.services.notifications import notify
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit
from ocop.producers.validators import normalise_phone, normalise_tax_code
from ocop.trade.enums import BUYER_TRANSITIONS, BuyerKind, BuyerStatus
from ocop.trade.models import Buyer
from ocop.trade.rules import buyer_organisations, manages_buyers

BUYER_FIELDS: tuple[str, ...] = (
    "kind",
    "name",
    "tax_code",
    "address",
    "commune",
    "contact_name",
    "phone",
    "email",
    "website",
    "description",
)
REQUIRED_FIELDS = ("kind", "name", "address", "contact_name")
DESCRIPTION_MAX = 5000
REASON_MAX = 2000

# The audit verb of each move of BUYER_TRANSITIONS.
STATUS_VERBS: dict[tuple[str, str], str] = {
    (BuyerStatus.PENDING, BuyerStatus.ACTIVE): "approve",
    (BuyerStatus.PENDING, BuyerStatus.REJECTED): "reject",
    (BuyerStatus.REJECTED, BuyerStatus.ACTIVE): "approve",
    (BuyerStatus.ACTIVE, BuyerStatus.SUSPENDED): "suspend",
    (BuyerStatus.SUSPENDED, BuyerStatus.ACTIVE): "reinstate",
}
REASON_REQUIRED = frozenset({BuyerStatus.REJECTED, BuyerStatus.SUSPENDED})


def buyer_url(buyer: Buyer) -> str:
    return reverse("trade:buyer", kwargs={"code": buyer.code})


def buyer_users(buyer: Buyer) -> list[Any]:
    """The buyer's people: active users with the BUYER role in its (active) organisation."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation_id=buyer.organisation_id,
            memberships__organisation__is_active=True,
            memberships__role=Role.BUYER,
        )
        .distinct()
        .order_by("pk")
    )


# --- validation -------------------------------------------------------------------------------


def _text(name: str, value: Any, *, limit: int | None = None) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("Enter text."), code="invalid")
    text = nfc(value)
    field = Buyer._meta.get_field(name)
    max_length = limit or getattr(field, "max_length", None)
    if max_length is not None and len(text) > max_length:
        raise ValidationError(
            _("Enter at most %(max)d characters."), code="max_length", params={"max": max_length}
        )
    return text


def current_commune(value: Any) -> AdministrativeUnit | None:
    """A commune or ward in force today, given as a unit or its key; None for none."""
    if value in (None, ""):
        return None
    if isinstance(value, AdministrativeUnit):
        unit: AdministrativeUnit | None = value
    elif isinstance(value, str):
        unit = AdministrativeUnit.objects.filter(key=nfc(value)).first()
    else:
        unit = None
    if unit is None or unit.level != UnitLevel.COMMUNE or unit.valid_to is not None:
        raise ValidationError(_("Choose a current commune or ward."), code="commune")
    return unit


def _clean_field(name: str, value: Any, buyer: Buyer | None) -> Any:
    if name == "kind":
        if value not in BuyerKind.values:
            raise ValidationError(_("Choose a kind of buyer."), code="kind")
        return value
    if name in ("name", "address", "contact_name"):
        return _text(name, value)
    if name == "description":
        return _text(name, value, limit=DESCRIPTION_MAX)
    if name == "tax_code":
        return normalise_tax_code(_text(name, value, limit=20))
    if name == "phone":
        return normalise_phone(_text(name, value, limit=30))
    if name == "email":
        email = _text(name, value).lower()
        if email:
            validate_email(email)
        return email
    if name == "website":
        website = _text(name, value)
        if website:
            URLValidator(schemes=["http", "https"])(website)
        return website
    if name == "commune":
        unchanged = (
            buyer is not None
            and isinstance(value, AdministrativeUnit)
            and value.pk == buyer.commune_id
        )
        return value if unchanged else current_commune(value)
    raise KeyError(name)  # pragma: no cover - BUYER_FIELDS lists every name handled above


def clean_buyer_data(data: Mapping[str, Any], *, buyer: Buyer | None = None) -> dict[str, Any]:
    """The normalised values of the buyer fields present in `data` (all of them are checked
    together with the record's other values for a partial update). One ValidationError names
    every bad field."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name in BUYER_FIELDS:
        if name not in data:
            continue
        try:
            values[name] = _clean_field(name, data[name], buyer)
        except ValidationError as exc:
            errors[name] = exc
    merged = {name: getattr(buyer, name) for name in BUYER_FIELDS} if buyer else {}
    merged.update(values)
    for name in REQUIRED_FIELDS:
        if name not in errors and merged.get(name) in (None, ""):
            errors[name] = ValidationError(_("This field is required."), code="required")
    tax_code = values.get("tax_code")
    if tax_code and "tax_code" not in errors:
        others = Buyer.objects.filter(tax_code=tax_code)
        if buyer is not None:
            others = others.exclude(pk=buyer.pk)
        if others.exists():
            errors["tax_code"] = ValidationError(
                _("Another buyer is already registered with this tax code (MST)."),
                code="duplicate",
            )
    if errors:
        raise ValidationError(errors)
    return values


def _audit(buyer: Buyer) -> dict[str, Any]:
    values = snapshot(buyer, [*BUYER_FIELDS, "status"])
    values["commune"] = buyer.commune.key if buyer.commune else None
    return values


# --- registration -----------------------------------------------------------------------------


def _account_values(account: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    user_model = get_user_model()
    values = {
        "username": nfc(str(account.get("username") or "")),
        "password": str(account.get("password") or ""),
        "email": nfc(str(account.get("email") or "")).lower(),
        "full_name": nfc(str(account.get("full_name") or "")),
    }
    errors: dict[str, Any] = {}
    for name in ("username", "password", "email"):
        if not values[name]:
            errors[f"account.{name}"] = ValidationError(
                _("This field is required."), code="required"
            )
    if (
        values["username"]
        and user_model.objects.filter(username__iexact=values["username"]).exists()
    ):
        errors["account.username"] = ValidationError(
            _("This username is already taken."), code="taken"
        )
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError as exc:
            errors["account.email"] = exc
    if values["password"]:
        try:
            password_validation.validate_password(
                values["password"],
                user_model(username=values["username"], email=values["email"]),
            )
        except ValidationError as exc:
            errors["account.password"] = exc
    return values, errors


def _organisation_without_buyer(actor: Any) -> Organisation | None:
    """A buyer organisation the signed-in person holds the BUYER role in, without a buyer
    record yet (an account made by the office, or the demo's)."""
    own = buyer_organisations(access_for(actor))
    return (
        Organisation.objects.filter(pk__in=own, kind=OrganisationKind.BUYER, buyer__isnull=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def register_buyer(
    *, actor: Any, data: Mapping[str, Any], account: Mapping[str, Any] | None = None
) -> Buyer:
    """Self-registration of a buyer (PENDING until the office approves it). `actor` is the
    signed-in person, or None/anonymous with `account` = {username, password, email[,
    full_name]} (the account is created in the same transaction). One buyer per person."""
    authenticated = getattr(actor, "is_authenticated", False)
    errors: dict[str, Any] = {}
    try:
        values = clean_buyer_data(data)
    except ValidationError as exc:
        values = {}
        errors.update(exc.error_dict)
    account_values: dict[str, str] = {}
    organisation: Organisation | None = None
    if authenticated:
        access = access_for(actor)
        organisation = _organisation_without_buyer(actor)
        if (
            organisation is None
            and Buyer.objects.filter(organisation_id__in=buyer_organisations(access)).exists()
        ):
            errors[NON_FIELD_ERRORS] = ValidationError(
                _("You have already registered your buyer."), code="already_buyer"
            )
    elif account is None:
        errors[NON_FIELD_ERRORS] = ValidationError(
            _("Sign in, or create an account, to register a buyer."), code="anonymous"
        )
    else:
        account_values, account_errors = _account_values(account)
        errors.update(account_errors)
    if errors:
        raise ValidationError(errors)

    if authenticated:
        person = actor
    else:
        try:
            person = create_user(
                actor=None,
                username=account_values["username"],
                password=account_values["password"],
                email=account_values["email"],
                full_name=account_values["full_name"] or values.get("contact_name", ""),
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"account.{name}": messages for name, messages in exc.message_dict.items()}
            ) from exc
    if organisation is None:
        organisation = create_organisation(
            actor=person,
            kind=OrganisationKind.BUYER,
            name=values["name"],
            unit=values.get("commune"),
        )
        add_membership(actor=person, user=person, organisation=organisation, role=Role.BUYER)
    buyer = Buyer.objects.create(
        organisation=organisation,
        status=BuyerStatus.PENDING,
        created_by=person,
        **values,
    )
    log_action(person, "trade.buyer.register", buyer, new=_audit(buyer))
    with site_language():
        message = _("Buyer %(name)s has registered on the supply–demand board: approve it.") % {
            "name": buyer.name
        }
    notify(office_users(), message, url=buyer_url(buyer), email=False)
    return buyer


@transaction.atomic
def update_buyer(*, actor: Any, buyer: Buyer, data: Mapping[str, Any]) -> Buyer:
    """Change the fields given (a partial update is fine); log what changed. By the buyer's
    people or the office."""
    access = access_for(actor)
    if not (manages_buyers(access) or buyer.organisation_id in buyer_organisations(access)):
        raise NotAllowed(_("Only the buyer's people and the provincial office change a buyer."))
    values = clean_buyer_data(data, buyer=buyer)
    old = _audit(buyer)
    for name, value in values.items():
        setattr(buyer, name, value)
    new = _audit(buyer)
    changed = [name for name in BUYER_FIELDS if old[name] != new[name]]
    if changed:
        extra = ["name_folded"] if "name" in changed else []
        buyer.save(update_fields=[*changed, *extra, "updated_at"])
        log_action(actor, "trade.buyer.update", buyer, old=old, new=new)
    return buyer


# --- status -----------------------------------------------------------------------------------


def _status_label(value: str) -> str:
    return str(dict(BuyerStatus.choices).get(value, value))


@transaction.atomic
def change_buyer_status(*, actor: Any, buyer: Buyer, to: str, reason: str = "") -> Buyer:
    """The one way through BUYER_TRANSITIONS, by the provincial office (or the administrator).
    Rejecting and suspending need a reason. The buyer's people are told."""
    if not manages_buyers(access_for(actor)):
        raise NotAllowed(_("Only the provincial OCOP office approves and suspends buyers."))
    current = Buyer.objects.select_for_update().values_list("status", flat=True).get(pk=buyer.pk)
    if to not in BUYER_TRANSITIONS.get(current, frozenset()):
        raise WrongState(
            _("A buyer cannot go from “%(old)s” to “%(new)s”.")
            % {"old": _status_label(current), "new": _status_label(to)}
        )
    reason = nfc(reason if isinstance(reason, str) else "")
    if to in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give the reason for this decision.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Enter at most %(max)d characters.") % {"max": REASON_MAX}}
        )
    buyer.status = to
    buyer.status_reason = reason
    buyer.save(update_fields=["status", "status_reason", "updated_at"])
    log_action(
        actor,
        f"trade.buyer.{STATUS_VERBS[(current, to)]}",
        buyer,
        old={"status": current},
        new={"status": to},
        data={"reason": reason} if reason else None,
    )
    with site_language():
        if to == BuyerStatus.ACTIVE:
            message = _(
                "Your buyer %(name)s is approved: you can post demands on the supply–demand "
                "board and contact producers."
            ) % {"name": buyer.name}
        elif to == BuyerStatus.REJECTED:
            message = _("The registration of your buyer %(name)s is rejected: %(reason)s") % {
                "name": buyer.name,
                "reason": reason,
            }
        else:
            message = _("Your buyer %(name)s is suspended: %(reason)s") % {
                "name": buyer.name,
                "reason": reason,
            }
    actor_id = getattr(actor, "pk", None)
    people = [user for user in buyer_users(buyer) if user.pk != actor_id]
    notify(people, message, url=buyer_url(buyer), email=True)
    return buyer


def approve_buyer(*, actor: Any, buyer: Buyer) -> Buyer:
    return change_buyer_status(actor=actor, buyer=buyer, to=BuyerStatus.ACTIVE)


def reject_buyer(*, actor: Any, buyer: Buyer, reason: str) -> Buyer:
    return change_buyer_status(actor=actor, buyer=buyer, to=BuyerStatus.REJECTED, reason=reason)


def suspend_buyer(*, actor: Any, buyer: Buyer, reason: str) -> Buyer:
    return change_buyer_status(actor=actor, buyer=buyer, to=BuyerStatus.SUSPENDED, reason=reason)

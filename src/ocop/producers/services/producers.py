"""Every write to the producers registry: self-registration, staff entry, edits, status changes.

The callers (views, API) check permission with the loaders of `ocop.producers.queries`; these
functions validate the data (the same checks for the UI and the API), normalise text to NFC, and
write everything, with its activity-log rows, in one transaction or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.models import User
from ocop.accounts.rules import access_for
from ocop.accounts.services.users import add_membership, create_organisation, create_user
from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc
from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit
from ocop.producers.enums import PRODUCER_TRANSITIONS, ProducerKind, ProducerStatus, Sex
from ocop.producers.models import Producer
from ocop.producers.queries.producers import can_approve_producer, owns_a_producer
from ocop.producers.validators import (
    normalise_ethnicity,
    normalise_phone,
    normalise_tax_code,
    validate_past_date,
    validate_workforce,
)

# The fields a person fills in; everything else (status, approval, code) is the services' own.
PRODUCER_FIELDS: tuple[str, ...] = (
    "kind",
    "name",
    "tax_code",
    "registration_number",
    "registration_date",
    "founded_on",
    "address",
    "commune",
    "phone",
    "email",
    "website",
    "representative_name",
    "representative_sex",
    "representative_ethnicity",
    "representative_disability",
    "workforce_total",
    "workforce_local",
)
REQUIRED_FIELDS = (
    "kind",
    "name",
    "address",
    "commune",
    "representative_name",
    "representative_sex",
)
_FREE_TEXT = ("name", "registration_number", "address", "representative_name")
_DATES = ("registration_date", "founded_on")
_COUNTS = ("workforce_total", "workforce_local")
MAX_WORKERS = 1_000_000

# The audit verb of each allowed move of PRODUCER_TRANSITIONS.
STATUS_VERBS: dict[tuple[str, str], str] = {
    (ProducerStatus.PENDING, ProducerStatus.APPROVED): "approve",
    (ProducerStatus.PENDING, ProducerStatus.REJECTED): "reject",
    (ProducerStatus.REJECTED, ProducerStatus.PENDING): "resubmit",
    (ProducerStatus.APPROVED, ProducerStatus.SUSPENDED): "suspend",
    (ProducerStatus.SUSPENDED, ProducerStatus.APPROVED): "reinstate",
}
REASON_REQUIRED = frozenset({ProducerStatus.REJECTED, ProducerStatus.SUSPENDED})


# --- Validation ---------------------------------------------------------------------------------


def _required() -> ValidationError:
    return ValidationError(_("This field is required."), code="required")


def _text(name: str, value: Any) -> str:
    text = nfc(value if value is not None else "")
    if not isinstance(text, str):
        raise ValidationError(_("Enter text."), code="invalid")
    max_length = getattr(Producer._meta.get_field(name), "max_length", None)
    if max_length is not None and len(text) > max_length:
        raise ValidationError(
            _("Enter at most %(max)d characters."), code="max_length", params={"max": max_length}
        )
    return text


def _commune(value: Any, producer: Producer | None) -> AdministrativeUnit | None:
    """A current commune, given as a unit or its key. A record may keep the commune it has even
    after that commune has ended; a new or changed commune must be current."""
    if value in (None, ""):
        return None
    if isinstance(value, AdministrativeUnit):
        unit: AdministrativeUnit | None = value
    else:
        unit = AdministrativeUnit.objects.filter(key=nfc(str(value))).first()
    unchanged = producer is not None and unit is not None and unit.pk == producer.commune_id
    if unit is None or unit.level != UnitLevel.COMMUNE or (unit.valid_to and not unchanged):
        raise ValidationError(_("Choose a current commune or ward."), code="commune")
    return unit


def _clean_field(name: str, value: Any, producer: Producer | None) -> Any:
    if name == "kind":
        if value not in ProducerKind.values:
            raise ValidationError(_("Choose a valid kind of producer."), code="kind")
        return value
    if name in _FREE_TEXT:
        return _text(name, value)
    if name == "tax_code":
        return normalise_tax_code(_text(name, value))
    if name == "phone":
        return normalise_phone(_text(name, value))
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
    if name in _DATES:
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            raise ValidationError(_("Enter a valid date."), code="invalid_date")
        validate_past_date(value)
        return value
    if name == "commune":
        return _commune(value, producer)
    if name == "representative_sex":
        if value not in Sex.values:
            raise ValidationError(_("Choose female or male."), code="sex")
        return value
    if name == "representative_ethnicity":
        return normalise_ethnicity(value)
    if name == "representative_disability":
        if not isinstance(value, bool):
            raise ValidationError(_("Answer yes or no."), code="invalid")
        return value
    if name in _COUNTS:
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WORKERS:
            raise ValidationError(
                _("Enter a whole number from 0 to %(max)d."),
                code="count",
                params={"max": MAX_WORKERS},
            )
        return value
    raise KeyError(name)  # pragma: no cover - PRODUCER_FIELDS lists every name handled above


def clean_producer_data(
    data: Mapping[str, Any], *, producer: Producer | None = None
) -> dict[str, Any]:
    """The normalised values of the producer fields present in `data`, checked together with the
    record's other values when `producer` is given (a partial update). Raises one ValidationError
    naming every bad field; keys outside PRODUCER_FIELDS are ignored."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name in PRODUCER_FIELDS:
        if name not in data:
            continue
        try:
            values[name] = _clean_field(name, data[name], producer)
        except ValidationError as exc:
            errors[name] = exc
    merged: dict[str, Any] = {}
    if producer is not None:
        merged = {name: getattr(producer, name) for name in PRODUCER_FIELDS}
    merged.update(values)
    for name in REQUIRED_FIELDS:
        if name not in errors and merged.get(name) in (None, ""):
            errors[name] = _required()
    if not errors.keys() & set(_COUNTS):
        try:
            validate_workforce(merged.get("workforce_total", 0), merged.get("workforce_local", 0))
        except ValidationError as exc:
            errors.update(exc.error_dict)
    tax_code = values.get("tax_code")
    if tax_code and "tax_code" not in errors:
        others = Producer.objects.filter(tax_code=tax_code)
        if producer is not None:
            others = others.exclude(pk=producer.pk)
        if others.exists():
            errors["tax_code"] = _duplicate_tax_code()
    if errors:
        raise ValidationError(errors)
    return values


def _duplicate_tax_code() -> ValidationError:
    return ValidationError(
        _("Another producer is already registered with this tax code (MST)."), code="duplicate"
    )


def _audit(producer: Producer) -> dict[str, Any]:
    """The audited values, the commune by its public key."""
    values = snapshot(producer, [*PRODUCER_FIELDS, "status"])
    values["commune"] = producer.commune.key
    return values


def _save(producer: Producer, **kwargs: Any) -> None:
    """Save, turning a lost race on the unique tax code into a field error."""
    try:
        with transaction.atomic():
            producer.save(**kwargs)
    except IntegrityError as exc:
        if producer.tax_code and (
            Producer.objects.filter(tax_code=producer.tax_code).exclude(pk=producer.pk).exists()
        ):
            raise ValidationError({"tax_code": _duplicate_tax_code()}) from exc
        raise


def _new_producer(*, actor: Any, values: dict[str, Any], status: str) -> Producer:
    """The producer's organisation and record (callers add the owner's membership)."""
    authenticated = getattr(actor, "is_authenticated", False)
    organisation = create_organisation(
        actor=actor, kind=OrganisationKind.PRODUCER, name=values["name"], unit=values["commune"]
    )
    producer = Producer(
        organisation=organisation,
        status=status,
        created_by=actor if authenticated else None,
        **values,
    )
    if status == ProducerStatus.APPROVED:
        producer.approved_at = timezone.now()
        producer.approved_by = actor if authenticated else None
    _save(producer)
    return producer


# --- Registration and staff entry ---------------------------------------------------------------


def _account_values(account: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """The new account's username, password and e-mail, and the errors keyed `account.<field>`."""
    values = {
        "username": nfc(account.get("username") or ""),
        "password": account.get("password") or "",
        "email": nfc(account.get("email") or "").lower(),
        "full_name": nfc(account.get("full_name") or ""),
    }
    errors: dict[str, Any] = {}
    for name in ("username", "password", "email"):
        if not values[name]:
            errors[f"account.{name}"] = _required()
    if values["username"] and User.objects.filter(username__iexact=values["username"]).exists():
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
                values["password"], User(username=values["username"], email=values["email"])
            )
        except ValidationError as exc:
            errors["account.password"] = exc
    return values, errors


def _create_account(values: dict[str, str]) -> User:
    try:
        return create_user(
            actor=None,
            username=values["username"],
            password=values["password"],
            email=values["email"],
            full_name=values["full_name"],
        )
    except ValidationError as exc:
        raise ValidationError(
            {f"account.{field}": errors for field, errors in exc.message_dict.items()}
        ) from exc


@transaction.atomic
def register_producer(
    *, actor: Any, data: Mapping[str, Any], account: Mapping[str, Any] | None = None
) -> Producer:
    """Self-registration: the producer's organisation, its record (pending the commune's approval)
    and the registering person's ownership, in one transaction.

    `actor` is the signed-in person registering their producer. An anonymous visitor (actor None
    or anonymous) passes `account` = {username, password, email[, full_name]}: the account is
    created in the same transaction and becomes the owner. A person who already owns a producer
    may not register another one, unless they are staff.
    """
    authenticated = getattr(actor, "is_authenticated", False)
    errors: dict[str, Any] = {}
    try:
        values = clean_producer_data(data)
    except ValidationError as exc:
        values = {}
        errors.update(exc.error_dict)
    account_values: dict[str, str] = {}
    if authenticated:
        access = access_for(actor)
        if owns_a_producer(access) and not access.is_staff_user:
            errors[NON_FIELD_ERRORS] = ValidationError(
                _("You already own a producer record; one person may register only one."),
                code="already_owner",
            )
    elif account is None:
        errors[NON_FIELD_ERRORS] = ValidationError(
            _("Sign in, or create an account, to register a producer."), code="anonymous"
        )
    else:
        account_values, account_errors = _account_values(account)
        errors.update(account_errors)
    if errors:
        raise ValidationError(errors)

    owner: User = actor if authenticated else _create_account(account_values)
    producer = _new_producer(actor=owner, values=values, status=ProducerStatus.PENDING)
    add_membership(
        actor=owner, user=owner, organisation=producer.organisation, role=Role.PRODUCER_OWNER
    )
    log_action(owner, "producers.producer.register", producer, new=_audit(producer))
    return producer


def _owner(owner: User | str | None) -> User | None:
    if owner is None or isinstance(owner, User):
        return owner
    username = nfc(owner)
    if not username:
        return None
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise ValidationError(
            {"owner": ValidationError(_("There is no user with this username."), code="unknown")}
        )
    return user


@transaction.atomic
def create_producer(
    *, actor: Any, data: Mapping[str, Any], owner: User | str | None = None
) -> Producer:
    """Staff enter a producer. It is approved at once when the actor may approve producers of its
    commune (province office, admin, that commune's officer), otherwise it waits as pending.
    `owner` (a user or a username) becomes the producer's owner."""
    errors: dict[str, Any] = {}
    try:
        values = clean_producer_data(data)
    except ValidationError as exc:
        values = {}
        errors.update(exc.error_dict)
    try:
        owner_user = _owner(owner)
    except ValidationError as exc:
        owner_user = None
        errors.update(exc.error_dict)
    if (
        owner_user is not None
        and owns_a_producer(owner_user)
        and not access_for(owner_user).is_staff_user
    ):
        errors["owner"] = ValidationError(
            _("This user already owns a producer record."), code="already_owner"
        )
    if errors:
        raise ValidationError(errors)

    access = access_for(actor)
    may_approve = can_approve_producer(access, Producer(commune=values["commune"]))
    status = ProducerStatus.APPROVED if may_approve else ProducerStatus.PENDING
    producer = _new_producer(actor=actor, values=values, status=status)
    if owner_user is not None:
        add_membership(
            actor=actor,
            user=owner_user,
            organisation=producer.organisation,
            role=Role.PRODUCER_OWNER,
        )
    log_action(
        actor,
        "producers.producer.create",
        producer,
        new=_audit(producer),
        data={"owner": owner_user.username} if owner_user is not None else None,
    )
    return producer


def _check_commune_move(actor: Any, producer: Producer, commune: Any) -> None:
    """A commune officer keeps a producer in one of their own communes: moving it elsewhere is
    for the province office (the edit form offers the officer's own communes only; the API
    obeys the same rule)."""
    if commune is None or commune.pk == producer.commune_id:
        return
    access = access_for(actor)
    if access.is_admin or access.is_province_officer or not access.is_commune_officer:
        return
    if commune.pk not in access.commune_unit_ids:
        raise ValidationError(
            {
                "commune": ValidationError(
                    _(
                        "You can move a producer only to one of your own communes; ask the "
                        "province's OCOP office to move it elsewhere."
                    ),
                    code="commune",
                )
            }
        )


@transaction.atomic
def update_producer(
    *, actor: Any, producer: Producer, data: Mapping[str, Any], resubmit: bool = False
) -> Producer:
    """Change the fields given in `data` (a partial update is fine) and log what changed.

    `resubmit=True` on a rejected record sends it back to the commune (rejected → pending) in
    the same transaction."""
    values = clean_producer_data(data, producer=producer)
    _check_commune_move(actor, producer, values.get("commune"))
    old = _audit(producer)
    for name, value in values.items():
        setattr(producer, name, value)
    new = _audit(producer)
    changed = [name for name in PRODUCER_FIELDS if old[name] != new[name]]
    if changed:
        extra = ["name_folded"] if "name" in changed else []
        _save(producer, update_fields=[*changed, *extra, "updated_at"])
        organisation = producer.organisation
        if organisation.name != producer.name or organisation.unit_id != producer.commune_id:
            organisation.name = producer.name
            organisation.unit = producer.commune
            organisation.save(update_fields=["name", "unit", "updated_at"])
        log_action(actor, "producers.producer.update", producer, old=old, new=new)
    if resubmit:
        change_producer_status(actor=actor, producer=producer, to=ProducerStatus.PENDING)
    return producer


# --- Status ---------------------------------------------------------------------------------------


def _status_label(value: str) -> str:
    return str(dict(ProducerStatus.choices).get(value, value))


@transaction.atomic
def change_producer_status(
    *, actor: Any, producer: Producer, to: str, reason: str = ""
) -> Producer:
    """The one way through PRODUCER_TRANSITIONS. Rejecting and suspending need a reason; approving
    (and reinstating) records who approved and when. Writes `producers.producer.<verb>`."""
    current = (
        Producer.objects.select_for_update().values_list("status", flat=True).get(pk=producer.pk)
    )
    reason = nfc(reason or "")
    if to not in PRODUCER_TRANSITIONS.get(current, frozenset()):
        raise ValidationError(
            {
                "status": ValidationError(
                    _("A producer cannot go from “%(old)s” to “%(new)s”."),
                    code="transition",
                    params={"old": _status_label(current), "new": _status_label(to)},
                )
            }
        )
    if to in REASON_REQUIRED and not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for this decision."), code="required")}
        )
    fields = ["status", "status_reason", "updated_at"]
    producer.status = to
    producer.status_reason = reason
    if to == ProducerStatus.APPROVED:
        producer.approved_at = timezone.now()
        producer.approved_by = actor if getattr(actor, "is_authenticated", False) else None
        fields += ["approved_at", "approved_by"]
    producer.save(update_fields=fields)
    log_action(
        actor,
        f"producers.producer.{STATUS_VERBS[(current, to)]}",
        producer,
        old={"status": current},
        new={"status": to},
        data={"reason": reason} if reason else None,
    )
    return producer


def approve_producer(*, actor: Any, producer: Producer, reason: str = "") -> Producer:
    return change_producer_status(
        actor=actor, producer=producer, to=ProducerStatus.APPROVED, reason=reason
    )


def reject_producer(*, actor: Any, producer: Producer, reason: str) -> Producer:
    return change_producer_status(
        actor=actor, producer=producer, to=ProducerStatus.REJECTED, reason=reason
    )


def suspend_producer(*, actor: Any, producer: Producer, reason: str) -> Producer:
    return change_producer_status(
        actor=actor, producer=producer, to=ProducerStatus.SUSPENDED, reason=reason
    )


def reinstate_producer(*, actor: Any, producer: Producer, reason: str = "") -> Producer:
    return change_producer_status(
        actor=actor, producer=producer, to=ProducerStatus.APPROVED, reason=reason
    )

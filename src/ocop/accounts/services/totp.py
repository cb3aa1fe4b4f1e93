"""The TOTP second factor (django-otp): set up, confirm, check at sign-in, disable, reset.

A user has at most one confirmed TOTP device. Setting up creates an unconfirmed device whose
secret the profile page shows (text and QR code); it counts only once a code from the app has
been confirmed. django-otp's own throttle (a growing delay per device after each wrong code)
applies to every check, on top of the sign-in throttle (`ocop.accounts.throttle`).
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts.models import User
from ocop.core.services.activity import log_action

DEVICE_NAME = "authenticator"


def confirmed_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed TOTP device, or None (one query)."""
    if user is None or not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def has_second_factor(user: Any) -> bool:
    return confirmed_device(user) is not None


def secret_of(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _normalise(code: str) -> str:
    return "".join(str(code or "").split())


def check_code(device: TOTPDevice, code: str) -> bool:
    """Whether the code is valid now (and not used before: django-otp refuses a replay).
    Saves the device's drift, last step and throttle state."""
    code = _normalise(code)
    if not (code.isdigit() and len(code) == device.digits):
        device.throttle_increment(commit=True)
        return False
    return bool(device.verify_token(code))


def code_refusal(device: TOTPDevice) -> str:
    """The message for a refused code: wait (django-otp's throttle) or wrong."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return _("Too many wrong codes. Wait a few seconds and try again.")
    return _("The code is not correct. Enter the 6 digits your app shows now.")


@transaction.atomic
def start_totp_setup(*, actor: User) -> TOTPDevice:
    """The unconfirmed device whose secret the set-up page shows (created on the first visit)."""
    if has_second_factor(actor):
        raise ValidationError({"code": _("Two-step verification is already on for your account.")})
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user_id=actor.pk, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
        log_action(actor, "accounts.user.totp_start", actor)
    return device


def confirm_totp_device(*, actor: User, device: TOTPDevice, code: str) -> TOTPDevice:
    """Turn the second factor on with a code from the app; other devices of the user go.

    Atomic like every service, but a wrong code is refused after the transaction: the failure
    that django-otp's throttle recorded on the device must not be rolled back with it."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user_id=actor.pk)
        if device.confirmed:
            raise ValidationError(
                {"code": _("Two-step verification is already on for your account.")}
            )
        accepted = check_code(device, code)
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user_id=actor.pk).exclude(pk=device.pk).delete()
            log_action(actor, "accounts.user.totp_enable", actor)
    if not accepted:
        raise ValidationError({"code": code_refusal(device)}, code="bad_code")
    return device


def disable_totp(*, actor: User, code: str) -> None:
    """Turn the second factor off; the user proves it with a current code (refused after the
    transaction, like `confirm_totp_device`)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user_id=actor.pk, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise ValidationError({"code": _("Two-step verification is not on for your account.")})
        accepted = check_code(device, code)
        if accepted:
            TOTPDevice.objects.filter(user_id=actor.pk).delete()
            log_action(actor, "accounts.user.totp_disable", actor)
    if not accepted:
        raise ValidationError({"code": code_refusal(device)}, code="bad_code")


@transaction.atomic
def reset_totp(*, actor: Any, user: User) -> int:
    """An administrator removes a user's devices (a lost phone); the user sets up a new one.
    Returns the number of devices removed."""
    count, _deleted = TOTPDevice.objects.filter(user_id=user.pk).delete()
    if count:
        log_action(actor, "accounts.user.totp_reset", user, data={"devices": count})
    return count

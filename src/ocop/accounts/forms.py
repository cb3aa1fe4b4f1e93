from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.template import loader
from django.utils.translation import gettext_lazy as _

from ocop.accounts.services.totp import has_second_factor
from ocop.accounts.throttle import LoginThrottled, authenticate_limited
from ocop.core.tasks import enqueue_after_commit, send_mail_task


class LoginForm(AuthenticationForm):
    """Django's sign-in form with the failure throttle (`ocop.accounts.throttle`)."""

    throttled = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = authenticate_limited(self.request, username, password)
            except LoginThrottled as exc:
                self.throttled = True
                raise ValidationError(exc.message, code="throttled") from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app (spaces allowed, as apps show "123 456")."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError(_("Enter the 6 digits your app shows."), code="format")
        return code


class AdminLoginForm(AdminAuthenticationForm):
    """The admin site's sign-in with the same throttle, and closed to accounts with a second
    factor: those sign in on the platform's page, which asks for the code."""

    throttled = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = authenticate_limited(self.request, username, password)
            except LoginThrottled as exc:
                self.throttled = True
                raise ValidationError(exc.message, code="throttled") from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            if has_second_factor(self.user_cache):
                raise ValidationError(
                    _(
                        "Your account uses two-step verification: sign in on the platform's "
                        "sign-in page, then open the administration."
                    ),
                    code="second_factor",
                )
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password-reset form, whose mail is rendered in the request (its language, its
    link) and sent by a background task (`send_mail_task`) instead of inside the request."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        enqueue_after_commit(
            send_mail_task, to=[to_email], subject=subject, body=body, from_email=from_email or ""
        )

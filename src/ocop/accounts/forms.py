from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from ocop.accounts.throttle import LoginThrottled, authenticate_limited


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

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from ocop.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    """Sign in; a throttled attempt answers 429 with the form and its message."""

    template_name = "accounts/login.html"
    form_class = LoginForm

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response

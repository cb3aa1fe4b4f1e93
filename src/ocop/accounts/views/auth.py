from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect

from ocop.accounts.forms import LoginForm
from ocop.accounts.services.totp import has_second_factor
from ocop.accounts.views.totp import begin_second_step


class LoginView(auth_views.LoginView):
    """Sign in; a throttled attempt answers 429 with the form and its message."""

    template_name = "accounts/login.html"
    form_class = LoginForm

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        """A user with a second factor is not signed in yet: the code step comes first."""
        user = form.get_user()
        if has_second_factor(user):
            begin_second_step(
                self.request, user, form.cleaned_data["username"], self.get_success_url()
            )
            return redirect("accounts:login_code")
        return super().form_valid(form)

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response

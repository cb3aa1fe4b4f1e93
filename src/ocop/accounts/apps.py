from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


def check_totp_required_roles(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """OCOP_TOTP_REQUIRED_ROLES names roles by their value; a typo would silently require
    nothing, so it stops the start instead."""
    from django.conf import settings

    from ocop.accounts.enums import Role

    unknown = sorted(set(settings.OCOP_TOTP_REQUIRED_ROLES) - set(Role.values))
    if not unknown:
        return []
    return [
        checks.Error(
            f"OCOP_TOTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
            hint=f"Use role values: {', '.join(Role.values)}.",
            id="ocop.accounts.E001",
        )
    ]


class AccountsConfig(AppConfig):
    name = "ocop.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        checks.register(check_totp_required_roles)

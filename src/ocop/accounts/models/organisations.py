from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.accounts.enums import ROLES_BY_KIND, OrganisationKind, Role
from ocop.core.models import CodedModel


class Organisation(CodedModel):
    """Sở/provincial office, UBND tỉnh, UBND xã, a council, a producer's organisation, a buyer.

    `unit` is the administrative unit the organisation acts for: the commune of a UBND xã, the
    province of the provincial office. Scope follows from it.
    """

    CODE_PREFIX = "O"

    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=255)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in an organisation. The role's scope is the organisation's scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="accounts_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

    def clean(self) -> None:
        """The role must belong in the organisation's kind (also checked by `add_membership`)."""
        if self.organisation_id is None or not self.role:
            return
        if self.role not in ROLES_BY_KIND.get(self.organisation.kind, frozenset()):
            raise ValidationError(
                {"role": _("This role does not belong in this kind of organisation.")}
            )

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts.forms import AdminLoginForm
from ocop.accounts.models import ApiToken, Membership, Organisation, User
from ocop.accounts.services.tokens import revoke_api_tokens
from ocop.accounts.services.totp import reset_totp

# The admin's own sign-in page uses the same throttle and is closed to accounts with a second
# factor (they sign in on the platform's page, which asks for the code).
admin.site.login_form = AdminLoginForm

# Devices are set up by their owner and reset with the action on users; the admin never shows
# the secret keys (django-otp registers a page that would).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class OcopUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("OCOP", {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]
    actions = ["reset_second_factor"]

    @admin.action(
        description=_("Reset two-step verification (a lost phone)"), permissions=["change"]
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset:
            if reset_totp(actor=request.user, user=user):
                count += 1
        self.message_user(
            request,
            ngettext(
                "Two-step verification was reset for %(count)d user.",
                "Two-step verification was reset for %(count)d users.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "unit", "code", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    raw_id_fields = ("unit",)
    readonly_fields = ("code",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their owner (profile page, POST /api/v1/auth/token) and shown once;
    here they can only be read and revoked."""

    list_display = ("prefix", "user", "name", "created_at", "expires_at", "last_used_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("prefix", "user__username", "name")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    exclude = ("key_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            count += revoke_api_tokens(actor=request.user, user=token.user, token=token)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

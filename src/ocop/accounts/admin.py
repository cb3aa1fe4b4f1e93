from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ocop.accounts.models import ApiToken, Membership, Organisation, User


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


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "unit", "code", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    raw_id_fields = ("unit",)
    readonly_fields = ("code",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")

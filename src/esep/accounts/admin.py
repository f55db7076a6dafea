"""The Django admin, for administrators only (a role, not Django's is_staff flag).

Records are read here; the few writes it offers (granting and revoking roles) go through
actions, so they are audited like any other."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from esep.core import calendar_actions
from esep.core.actions import Actor
from esep.core.models import AuditEntry, LedgerEntry, TransferredDay
from esep.territory.models import Body, Unit

from . import actions
from .models import Role, User


class EsepAdminSite(admin.AdminSite):
    site_header = _("esep administration")
    site_title = _("esep administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm("accounts.use_admin")

    def login(self, request: HttpRequest, extra_context=None):
        if request.user.is_authenticated:
            raise PermissionDenied  # signed in, but not an administrator
        query = urlencode({"next": request.GET.get("next", request.path)})
        return HttpResponseRedirect(f"{reverse('accounts:signin')}?{query}")


admin_site = EsepAdminSite(name="admin")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.use_admin")

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("accounts.use_admin")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(User, site=admin_site)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "full_name", "is_demo", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "is_demo", "is_active", "date_joined", "last_login"]


@admin.register(Role, site=admin_site)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "body", "unit", "granted_at", "revoked_at"]
    list_filter = ["kind"]
    fields = ["user", "kind", "body", "unit"]
    autocomplete_fields = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.grant_role")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("accounts.revoke_role") and (obj is None or not obj.revoked_at)

    def save_model(self, request, obj, form, change):
        role = actions.grant_role(
            Actor.of(request.user), user=obj.user, kind=obj.kind, body=obj.body, unit=obj.unit
        )
        obj.pk = role.pk

    def delete_model(self, request, obj):
        actions.revoke_role(Actor.of(request.user), obj)

    def delete_queryset(self, request, queryset):
        for role in queryset.filter(revoked_at__isnull=True):
            actions.revoke_role(Actor.of(request.user), role)


@admin.register(AuditEntry, site=admin_site)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "role", "verb", "target_type", "target_id"]
    list_filter = ["verb"]
    search_fields = ["actor_label", "target_id"]


@admin.register(LedgerEntry, site=admin_site)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "published_at", "record_type", "record_id", "entry_hash"]


@admin.register(Unit, site=admin_site)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name_en", "kind", "iso_code", "ocd_id", "population"]
    search_fields = ["name_kk", "name_ru", "name_en", "iso_code"]


@admin.register(Body, site=admin_site)
class BodyAdmin(ReadOnlyAdmin):
    list_display = ["kind", "unit"]


class TransferredDayForm(forms.ModelForm):
    class Meta:
        model = TransferredDay
        fields = ["date", "kind", "reason"]  # the admin adds source_url (https by default)

    def clean(self):
        data = super().clean()
        day = data.get("date") or self.instance.date
        if day and data.get("kind") and data.get("reason"):
            calendar_actions.check_transferred_day(
                day=day, kind=data["kind"], reason=data["reason"]
            )
        return data


@admin.register(TransferredDay, site=admin_site)
class TransferredDayAdmin(ReadOnlyAdmin):
    """Days off and working days moved by decree; writes go through the calendar actions."""

    form = TransferredDayForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["date", "kind", "reason", "created_at"]
    list_filter = ["kind"]
    search_fields = ["reason"]
    date_hierarchy = "date"

    def get_fields(self, request: HttpRequest, obj=None):
        return ["date", "kind", "reason", "source_url"] + (["created_at"] if obj else [])

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ["date", "created_at"] if obj else []  # another date is another transfer

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("core.edit_calendar")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("core.edit_calendar")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("core.edit_calendar")

    def save_model(self, request, obj, form, change):
        saved = calendar_actions.set_transferred_day(
            Actor.of(request.user),
            day=obj.date,
            kind=obj.kind,
            reason=obj.reason,
            source_url=obj.source_url,
        )
        obj.pk, obj.created_at = saved.pk, saved.created_at

    def delete_model(self, request, obj):
        calendar_actions.remove_transferred_day(Actor.of(request.user), day=obj.date)

    def delete_queryset(self, request, queryset):
        for transferred in queryset:
            calendar_actions.remove_transferred_day(Actor.of(request.user), day=transferred.date)

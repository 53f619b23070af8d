from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from engcert.accounts.lockout import sign_in_unlock
from engcert.accounts.models import SignInLock, User


def _unlock(request: HttpRequest, logins: list[str]) -> None:
    assert isinstance(request.user, User)
    unlocked = sum(
        sign_in_unlock(login=login, by=request.user, reason="unlocked by staff") for login in logins
    )
    messages.success(
        request,
        ngettext(
            "Unlocked signing in for %(count)d account.",
            "Unlocked signing in for %(count)d accounts.",
            unlocked,
        )
        % {"count": unlocked},
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "language")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["unlock_sign_in"]

    @admin.action(description=_("Unlock signing in (after too many wrong passwords)"))
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        _unlock(request, list(queryset.values_list("email", flat=True)))


class LockedNow(admin.SimpleListFilter):
    title = _("locked now")
    parameter_name = "locked"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("yes", str(_("Yes")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[SignInLock]) -> QuerySet[SignInLock]:
        if self.value() == "yes":
            return queryset.filter(locked_until__gt=timezone.now())
        return queryset


@admin.register(SignInLock)
class SignInLockAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["login", "locked_until", "failures", "last_failure_at"]
    list_filter = [LockedNow]
    search_fields = ["login"]
    readonly_fields = ["login", "failures", "window_started_at", "locked_until", "last_failure_at"]
    ordering = ["-last_failure_at"]
    actions = ["unlock_sign_in"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Unlock signing in"))
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[SignInLock]) -> None:
        _unlock(request, list(queryset.values_list("login", flat=True)))

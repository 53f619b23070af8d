from django.contrib import admin

from engcert.notices.models import CalendarDay, Notice, NoticeEntry, NoticePolicy


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["name"]


@admin.register(NoticePolicy)
class NoticePolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["society", "working_days", "contact", "updated_at"]


class NoticeEntryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = NoticeEntry
    fields = ["position", "application"]
    readonly_fields = ["position", "application"]
    extra = 0
    can_delete = False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # Notices change only through the staff pages (which move the candidates); the admin reads them.
    list_display = ["batch", "starts_on", "last_day", "working_days", "status"]
    list_filter = ["status"]
    readonly_fields = [
        "batch",
        "starts_on",
        "working_days",
        "last_day",
        "starts_at",
        "ends_at",
        "status",
        "published_by",
        "published_at",
        "closed_at",
    ]
    inlines = [NoticeEntryInline]

    def has_add_permission(self, request: object) -> bool:
        return False

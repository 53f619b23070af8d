from django.contrib import admin

from engcert.committee.models import AgendaItem, CommitteePolicy, Meeting, MeetingMember, Recusal, Vote


@admin.register(CommitteePolicy)
class CommitteePolicyAdmin(admin.ModelAdmin[CommitteePolicy]):
    list_display = [
        "society",
        "quorum_numerator",
        "quorum_denominator",
        "majority_numerator",
        "majority_denominator",
        "majority_strict",
    ]


class MemberInline(admin.TabularInline[MeetingMember, Meeting]):
    model = MeetingMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    # Decisions, votes and recusals are written by the domain functions (audited), never here.
    list_display = ["title", "society", "batch", "starts_at", "status"]
    list_filter = ["status", "society"]
    raw_id_fields = ["chair", "created_by", "batch"]
    inlines = [MemberInline]


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnly):
    list_display = ["meeting", "application", "outcome", "departs_from_criteria", "decided_at"]
    list_filter = ["outcome", "departs_from_criteria"]


@admin.register(Recusal)
class RecusalAdmin(ReadOnly):
    list_display = ["item", "member", "recorded_at"]


@admin.register(Vote)
class VoteAdmin(ReadOnly):
    list_display = ["item", "member", "choice", "changed_at"]

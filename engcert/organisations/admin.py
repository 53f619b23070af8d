from django.contrib import admin

from engcert.organisations.models import Discipline, EngineeringField, Membership, Organisation


@admin.register(EngineeringField)
class EngineeringFieldAdmin(admin.ModelAdmin[EngineeringField]):
    list_display = ["code", "name", "name_en"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "kind", "short_name", "society", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_en", "short_name", "code"]
    filter_horizontal = ["authorised_fields"]


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin[Discipline]):
    list_display = ["code", "name", "name_en", "parent", "society", "position"]
    list_filter = ["society"]
    search_fields = ["name", "name_en", "code"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

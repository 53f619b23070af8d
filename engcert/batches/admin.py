from django.contrib import admin

from engcert.batches.models import Batch


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin[Batch]):
    list_display = ["name", "society", "code", "status", "opens_at", "closes_at"]
    list_filter = ["status", "society"]
    filter_horizontal = ["grades", "disciplines", "eligible_units"]

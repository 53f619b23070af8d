import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_display_order_label"),
        ("privacy", "0001_identity_number_view_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DeletionRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("uid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="reference")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for the society"),
                            ("carried_out", "Carried out"),
                            ("refused", "Refused"),
                            ("cancelled", "Cancelled by the person"),
                        ],
                        default="pending",
                        max_length=20,
                        verbose_name="state",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note from the person")),
                ("requested_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="requested at")),
                ("due_on", models.DateField(verbose_name="answer due by")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided at")),
                ("reason", models.TextField(blank=True, verbose_name="reason given")),
                ("outcome", models.JSONField(blank=True, default=dict, verbose_name="what was done")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deletion_requests",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
                (
                    "society",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deletion_requests",
                        to="organisations.organisation",
                        verbose_name="society",
                    ),
                ),
            ],
            options={
                "verbose_name": "deletion request",
                "verbose_name_plural": "deletion requests",
                "ordering": ("due_on", "requested_at", "pk"),
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("state", "pending")),
                        fields=("person", "society"),
                        name="privacy_one_pending_deletion_per_society",
                    )
                ],
            },
        ),
    ]

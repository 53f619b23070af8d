"""Index and compare the texts of applications already submitted: `manage.py similarity_reindex
[--society CODE]`. Safe to run again: texts already indexed with the same content are skipped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation
from engcert.similarity.domain import application_texts_index


class Command(BaseCommand):
    help = "Index every submitted application's statements and project descriptions and compare them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--society", metavar="CODE", help="Only this society's applications.")

    def handle(self, *args: Any, **options: Any) -> None:
        applications = Application.objects.exclude(state=ApplicationState.DRAFT)
        if options["society"]:
            society = Organisation.objects.filter(
                kind=OrganisationKind.SOCIETY, code=options["society"]
            ).first()
            if society is None:
                raise CommandError(f"There is no society with the code {options['society']}.")
            applications = applications.filter(batch__society=society)
        # Earlier submissions first, so each pair names the earlier text as such.
        ids = list(applications.order_by("submitted_at", "pk").values_list("pk", flat=True))
        flagged = 0
        for number, pk in enumerate(ids, start=1):
            flagged += len(application_texts_index(application=Application.objects.get(pk=pk)))
            if number % 500 == 0:
                self.stdout.write(f"{number} of {len(ids)} applications indexed")
        self.stdout.write(f"Indexed {len(ids)} applications; {flagged} new similar pairs.")

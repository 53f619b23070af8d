"""Fetching the society (and batch) a dashboard is for: 404 for everyone but the society's staff."""

from __future__ import annotations

from django.http import Http404

from engcert.accounts.models import User
from engcert.batches.models import Batch
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation


def get_society_for_dashboard(*, user: User, code: str) -> Organisation:
    society = Organisation.objects.filter(kind=OrganisationKind.SOCIETY, code=code).first()
    if society is None or not user.has_perm("dashboards.view_dashboard", society):
        raise Http404
    return society


def get_batch_for_dashboard(*, society: Organisation, pk: int) -> Batch:
    batch = Batch.objects.filter(society=society, pk=pk).first()
    if batch is None:
        raise Http404
    return batch

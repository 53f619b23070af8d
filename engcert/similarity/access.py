"""Fetching the society and its pairs for staff: 404 for everyone else, other societies' staff too."""

from __future__ import annotations

from django.http import Http404

from engcert.accounts.models import User
from engcert.batches.models import Batch
from engcert.organisations.enums import OrganisationKind
from engcert.organisations.models import Organisation
from engcert.similarity.models import SimilarPair
from engcert.similarity.selectors import PAIR_RELATED


def get_society_for_similarity(*, user: User, code: str) -> Organisation:
    society = Organisation.objects.filter(kind=OrganisationKind.SOCIETY, code=code).first()
    if society is None or not user.has_perm("similarity.review_pairs", society):
        raise Http404
    return society


def get_batch_for_similarity(*, society: Organisation, code: str) -> Batch:
    batch = Batch.objects.filter(society=society, code=code).first()
    if batch is None:
        raise Http404
    return batch


def get_pair_for_staff(*, society: Organisation, pk: int) -> SimilarPair:
    pair = SimilarPair.objects.select_related(*PAIR_RELATED).filter(pk=pk, society=society).first()
    if pair is None:
        raise Http404
    return pair

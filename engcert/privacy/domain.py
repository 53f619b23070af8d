"""Business operations on personal-data records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from engcert.privacy.models import IdentityNumberView

if TYPE_CHECKING:
    from engcert.accounts.models import User


def identity_number_view_record(
    *, viewer: User, subject_type: str, subject_id: str, purpose: str
) -> IdentityNumberView:
    """Log that `viewer` was shown the full document number of a subject, and why.

    Call it at the moment the unmasked number is rendered or exported.
    """
    if not purpose.strip():
        raise ValueError("A purpose is required to view a full identity-document number")
    if not subject_type or not subject_id:
        raise ValueError("subject_type and subject_id are required")
    return IdentityNumberView.objects.create(
        viewer=viewer,
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=purpose.strip(),
    )


def identity_number_views_record(
    *, viewer: User, subject_type: str, subject_ids: Iterable[object], purpose: str
) -> int:
    """Log one showing per subject when many full numbers leave at once (a roster export).

    Returns the number of views recorded."""
    if not purpose.strip():
        raise ValueError("A purpose is required to view a full identity-document number")
    views = [
        IdentityNumberView(
            viewer=viewer,
            subject_type=subject_type,
            subject_id=str(subject_id),
            purpose=purpose.strip()[:200],
        )
        for subject_id in subject_ids
    ]
    IdentityNumberView.objects.bulk_create(views, batch_size=1000)
    return len(views)

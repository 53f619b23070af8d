from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from engcert.privacy.domain import identity_number_view_record
from engcert.privacy.models import IdentityNumberView

pytestmark = pytest.mark.django_db


def test_recording_a_view_stores_who_saw_which_subject_and_why() -> None:
    viewer = get_user_model().objects.create_user(email="staff@example.com", password="x")

    view = identity_number_view_record(
        viewer=viewer,
        subject_type="application",
        subject_id="42",
        purpose="  identity check ",
    )

    stored = IdentityNumberView.objects.get()
    assert stored == view
    assert (stored.viewer, stored.subject_type, stored.subject_id, stored.purpose) == (
        viewer,
        "application",
        "42",
        "identity check",
    )


def test_a_view_without_a_purpose_is_refused() -> None:
    viewer = get_user_model().objects.create_user(email="staff@example.com", password="x")

    with pytest.raises(ValueError):
        identity_number_view_record(viewer=viewer, subject_type="application", subject_id="42", purpose="  ")
    assert IdentityNumberView.objects.count() == 0


def test_a_recorded_view_cannot_be_changed_or_deleted() -> None:
    viewer = get_user_model().objects.create_user(email="staff@example.com", password="x")
    view = identity_number_view_record(
        viewer=viewer,
        subject_type="application",
        subject_id="42",
        purpose="identity check",
    )

    view.purpose = "something else"
    with pytest.raises(RuntimeError):
        view.save()
    with pytest.raises(RuntimeError):
        view.delete()
    assert IdentityNumberView.objects.get().purpose == "identity check"

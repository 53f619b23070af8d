"""The examiner's declaration of interest (利益冲突声明), made before the file opens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engcert.accounts.models import User
from engcert.audit.domain import audit_event_append
from engcert.examiners.enums import SeatStatus
from engcert.examiners.models import PanelSeat
from engcert.scoring.domain.errors import ScoringError
from engcert.scoring.models import ScoreSheet
from engcert.tasks_queue import task_enqueue_with_work


def seat_declare(*, seat: PanelSeat, by: User, conflict: bool, note: str = "") -> PanelSeat:
    """Declare no conflict (the file opens) or a conflict (the seat is given up and staff told).

    A conflict found later, after the file opened, may still be declared until the examiner
    has submitted their sheet. Declaring no conflict twice changes nothing.
    """
    note = note.strip()
    if conflict and not note:
        raise ScoringError(_("Please say briefly what the conflict is, so staff can find another examiner."))
    with transaction.atomic():
        locked = (
            PanelSeat.objects.select_for_update(of=("self",))
            .select_related("examiner", "panel__application")
            .get(pk=seat.pk)
        )
        if locked.examiner.user_id != by.pk:
            raise ScoringError(_("Only the examiner on this seat can make its declaration."))
        if locked.status == SeatStatus.CONFIRMED and not conflict:
            return locked
        if locked.status == SeatStatus.CONFIRMED:
            submitted = ScoreSheet.objects.filter(seat=locked, submitted_at__isnull=False).exists()
            if submitted:
                raise ScoringError(
                    _("Your sheet is already submitted; please tell the society's staff about the conflict.")
                )
        elif locked.status != SeatStatus.ASSIGNED:
            raise ScoringError(_("This seat is no longer yours to declare on."))
        from_status = locked.status
        locked.status = SeatStatus.CONFLICT if conflict else SeatStatus.CONFIRMED
        locked.declared_at = timezone.now()
        locked.declaration_note = note
        locked.save(update_fields=["status", "declared_at", "declaration_note"])
        application = locked.panel.application
        audit_event_append(
            actor=by,
            action="panel_seat.declare",
            subject=locked,
            application=application,
            from_state=from_status,
            to_state=locked.status,
            reason=note,
            data={"conflict": conflict, "examiner": locked.examiner_id, "chair": locked.is_chair},
        )
        if conflict:
            seat_id = locked.pk
            _notify_staff(seat_id)
    seat.status = locked.status
    seat.declared_at = locked.declared_at
    seat.declaration_note = locked.declaration_note
    return locked


def _notify_staff(seat_id: int) -> None:
    from engcert.scoring.tasks import seat_conflict_notify

    task_enqueue_with_work(seat_conflict_notify, seat_id=seat_id)

"""A submission's follow-up work (the referees asked, the statements compared) is queued with the
submission: with the database task queue its task row is written in the submission's own
transaction, so it commits with it or not at all; any other task backend (the immediate one of
the tests) still queues it once the transaction has committed."""

from __future__ import annotations

import os

import psycopg
import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult
from psycopg import sql

from engcert.applications.domain.application import application_submit
from engcert.applications.enums import ApplicationState
from engcert.applications.models import Application
from engcert.referees.models import RefereeRequest
from tests.conftest import World

NOTIFY = "engcert.applications.tasks.application_notify_state_change"
AFTER_SUBMIT = "engcert.applications.tasks.application_after_submit"


class Rollback(Exception):
    pass


@pytest.fixture
def database_queue(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued() -> list[tuple[str, dict[str, object]]]:
    return list(DBTaskResult.objects.order_by("task_path").values_list("task_path", "args_kwargs"))


@pytest.mark.usefixtures("database_queue")
def test_the_follow_up_task_is_in_the_queue_inside_the_submission_transaction_before_it_commits(
    world: World, complete_draft: Application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        application_submit(application=complete_draft, by=world.applicant)
        inside = queued()
    # Nothing was left to do at commit: a crash after COMMIT can no longer lose the task.
    assert callbacks == []
    pk = complete_draft.pk
    notice = {"application_id": pk, "from_state": "draft", "to_state": "submitted", "reason": ""}
    assert inside == [
        (AFTER_SUBMIT, {"args": [], "kwargs": {"application_id": pk}}),
        (NOTIFY, {"args": [], "kwargs": notice}),
    ]


@pytest.mark.usefixtures("database_queue")
def test_a_submission_rolled_back_leaves_no_task_in_the_queue(world: World, complete_draft: Application):
    with pytest.raises(Rollback), transaction.atomic():
        application_submit(application=complete_draft, by=world.applicant)
        assert [path for path, _ in queued()] == [AFTER_SUBMIT, NOTIFY]
        raise Rollback
    assert queued() == []
    complete_draft.refresh_from_db()
    assert complete_draft.state == ApplicationState.DRAFT


@pytest.mark.skipif(
    os.environ.get("ENGCERT_DB") != "postgres",
    reason="a second connection to the test database needs PostgreSQL",
)
@pytest.mark.usefixtures("database_queue")
def test_a_worker_cannot_take_the_task_before_the_submission_commits(
    world: World, complete_draft: Application
):
    application_submit(application=complete_draft, by=world.applicant)  # the test's transaction never commits
    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"], port=database["PORT"], user=database["USER"], dbname=database["NAME"]
    ) as worker:
        seen = worker.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(DBTaskResult._meta.db_table))
        ).fetchone()
    assert (len(queued()), seen) == (2, (0,))


def test_with_the_immediate_backend_the_follow_up_runs_only_once_the_submission_commits(
    world: World, complete_draft: Application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        application_submit(application=complete_draft, by=world.applicant)
    asked = RefereeRequest.objects.filter(application=complete_draft)
    assert (asked.count(), DBTaskResult.objects.count()) == (0, 0)
    for callback in callbacks:
        callback()
    assert asked.count() == 1

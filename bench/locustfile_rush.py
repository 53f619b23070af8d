"""The deadline rush: every seeded applicant, already signed in, opens the review page and submits once.

Closed model: N locust users work through the shared list of applicants; each applicant gets a
fresh session (and address). When the list is empty and the last user is done, locust stops.
Every BENCH_REPEAT_EVERY-th applicant's submission is sent twice, as when a browser never got
the first answer and the person presses again: the second must change nothing.
A submission that fails with a network error (no HTTP answer) is retried once.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import gevent
from common import TALLY, ApplicantUser, client_ip, people_load
from locust import events, task
from locust.exception import StopUser

PEOPLE = people_load()
NEXT = itertools.count()
REPEAT_EVERY = int(os.environ.get("BENCH_REPEAT_EVERY", "25"))
# The PostgreSQL restart drill (drill_pg_restart.py): each acknowledged submission's application
# uid is appended to this file, and a 503 "try again" is tried again, as a person would, this
# many times (waiting the Retry-After it gives).
ACKED = os.environ.get("BENCH_ACKED", "")
RETRY_UNAVAILABLE = int(os.environ.get("BENCH_RETRY_UNAVAILABLE", "0"))
ACTIVE = {"users": 0}


def _all_done(environment: Any) -> None:
    if ACTIVE["users"] == 0 and environment.runner is not None:
        TALLY.notes["finished"] = "all applicants done"
        gevent.spawn_later(2.5, environment.runner.quit)  # let the CSV writer see the last requests


@events.test_start.add_listener
def _start(environment: Any, **_: Any) -> None:
    TALLY.notes["applicants"] = len(PEOPLE)
    TALLY.notes["repeat_every"] = REPEAT_EVERY


class Applicant(ApplicantUser):
    retry_after = 1.0

    def on_start(self) -> None:
        ACTIVE["users"] += 1

    def on_stop(self) -> None:
        ACTIVE["users"] -= 1
        _all_done(self.environment)

    @task
    def submit_one(self) -> None:
        index = next(NEXT)
        if index >= len(PEOPLE):
            raise StopUser()
        person = PEOPLE[index]
        if not self.begin(person, client_ip(index + 1)):
            TALLY.mark("login_failed")
            return
        uid = person["uid"]
        review_url = f"/applications/{uid}/review/"
        with self.client.get(
            review_url, name="review page", headers=self.headers(), catch_response=True
        ) as page:
            if page.status_code != 200:
                page.failure(f"review page {page.status_code}")
        outcome = self.submit(uid, name="submit")
        if outcome == "network":
            TALLY.mark("submit_network_retry")
            outcome = self.submit(uid, name="submit (retry after network error)")
        tries = 0
        while outcome == "unavailable" and tries < RETRY_UNAVAILABLE:
            tries += 1
            TALLY.mark("submit_again_after_503")
            gevent.sleep(self.retry_after)
            outcome = self.submit(uid, name="submit (again after 503)")
        if outcome == "ok" and ACKED:
            with open(ACKED, "a", encoding="utf-8") as acked:
                acked.write(uid + "\n")
        if outcome == "ok" and REPEAT_EVERY and index % REPEAT_EVERY == 0:
            TALLY.mark("submit_repeated")
            outcome = self.submit(uid, name="submit (repeated, answer lost)")
        TALLY.mark(f"submit_{outcome}")
        with self.client.get(
            f"/applications/{uid}/", name="application page", headers=self.headers(), catch_response=True
        ) as page:
            if page.status_code != 200:
                page.failure(f"application page {page.status_code}")

    def submit(self, uid: str, *, name: str) -> str:
        """POST the submit form; 'ok' when redirected to the application page as after success."""
        with self.client.post(
            f"/applications/{uid}/submit/",
            name=name,
            data={"csrfmiddlewaretoken": self.csrf_token()},
            headers=self.headers(Referer=f"{self.host}/applications/{uid}/review/"),
            catch_response=True,
        ) as response:
            if not response.status_code:  # FastHttpUser reports a connection failure as status 0
                response.failure(f"network error: {getattr(response, 'error', None)}")
                return "network"
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code == 302 and location.rstrip("/").endswith(uid):
                return "ok"
            if response.status_code == 503:
                self.retry_after = float(response.headers.get("Retry-After", "1") or 1)
                response.failure("submit answered 503 (try again)")
                return "unavailable"
            response.failure(f"submit answered {response.status_code} to {location or '-'}")
            return "refused"

"""Draft save: applicants keep saving one section of their draft while they fill it in.

Each locust user signs in once as one seeded editor (a complete draft of the open batch), then
loops: open the personal-data section, change the phone number, save, think 5-15 s. Statistics
are reset once every editor has signed in, so the sign-ins (PBKDF2, ~0.25 s of CPU each) are
not in the figures. Measured: the save POST.

The section views (/applications/<uid>/edit/<section>/) are being built; until the personal
section answers 200 with a form, the scenario falls back to the draft save that exists today,
the eligibility explanation posted to the review page (application_update), and says so in
its tally (notes.mode), which run.py puts in the report.
"""

from __future__ import annotations

import itertools
import os
import time
from typing import Any
from urllib.parse import urlencode

from common import TALLY, ApplicantUser, client_ip, form_fields, people_load
from locust import between, events, task
from locust.exception import StopUser

PEOPLE = people_load()
NEXT = itertools.count()
SECTION = os.environ.get("BENCH_SECTION", "personal")
PHONE_FIELDS = ("phone", "mobile", "telephone")


@events.test_start.add_listener
def _start(environment: Any, **_: Any) -> None:
    TALLY.notes["editors"] = len(PEOPLE)
    TALLY.notes["section"] = SECTION


READY = {"users": 0}


def _setup_done(environment: Any) -> None:
    """Once every editor has signed in, start the measurement afresh: logins are not saves."""
    READY["users"] += 1
    if READY["users"] == min(len(PEOPLE), environment.parsed_options.num_users):
        environment.stats.reset_all()
        TALLY.counts.clear()
        TALLY.notes["measured_from"] = time.time()


class Editor(ApplicantUser):
    wait_time = between(5, 15)

    def on_start(self) -> None:
        index = next(NEXT)
        if index >= len(PEOPLE):
            raise StopUser()
        self.index = index
        self.person = PEOPLE[index]
        self.saves = 0
        if not self.begin(self.person, client_ip(50_000 + index), name_prefix="setup: "):
            TALLY.mark("login_failed")
            raise StopUser()
        self.section_url = f"/applications/{self.person['uid']}/edit/{SECTION}/"
        with self.client.get(
            self.section_url, name="setup: probe section page", headers=self.headers(), catch_response=True
        ) as page:
            fields = form_fields(page.text or "", None) if page.status_code == 200 else None
            page.success()  # a 404 here is the expected "not built yet", not an error
        self.mode = "section" if fields else "fallback"
        TALLY.notes.setdefault("mode", self.mode)
        TALLY.notes.setdefault("probe_status", page.status_code)
        if TALLY.notes["mode"] != self.mode:
            TALLY.notes["mode"] = "mixed"
        _setup_done(self.environment)

    @task
    def save(self) -> None:
        if self.mode == "section":
            self.save_section()
        else:
            self.save_explanation()

    def save_section(self) -> None:
        with self.client.get(
            self.section_url, name=f"section page ({SECTION})", headers=self.headers(), catch_response=True
        ) as page:
            if page.status_code != 200:
                page.failure(f"section page {page.status_code}")
                return
            fields = form_fields(page.text or "", None) or []
        self.saves += 1
        data = []
        changed = False
        for name, value in fields:
            if name in PHONE_FIELDS and not changed:
                value = f"139{self.index:04d}{self.saves % 10000:04d}"[:11]
                changed = True
            data.append((name, value))
        TALLY.notes["changed_field"] = "phone" if changed else "none (form posted back unchanged)"
        with self.client.post(
            self.section_url,
            name=f"draft save (section {SECTION})",
            data=urlencode(data),
            headers=self.headers(
                Referer=f"{self.host}{self.section_url}",
                **{"Content-Type": "application/x-www-form-urlencoded"},
            ),
            catch_response=True,
        ) as response:
            self.check(response)

    def save_explanation(self) -> None:
        self.saves += 1
        url = f"/applications/{self.person['uid']}/review/"
        with self.client.post(
            url,
            name="draft save (fallback: review explanation)",
            data={
                "csrfmiddlewaretoken": self.csrf_token(),
                "eligibility_explanation": f"本人从事电气工程技术工作九年，第{self.saves}次修改说明。",
            },
            headers=self.headers(Referer=f"{self.host}{url}"),
            catch_response=True,
        ) as response:
            self.check(response)

    def check(self, response: Any) -> None:
        if response.status_code == 302 or (
            response.status_code == 200 and "errorlist" not in (response.text or "")
        ):
            TALLY.mark("saved")
        elif response.status_code == 200:
            TALLY.mark("invalid")
            response.failure("the form came back with errors")
        else:
            TALLY.mark(f"status_{response.status_code}")
            response.failure(f"save answered {response.status_code}")

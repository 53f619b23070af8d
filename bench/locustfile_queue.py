"""The staff work queue: 20 signed-in staff members work through a batch of 50,000 files.

Each locust user resumes one seeded staff session (staff have an authenticator app; the
session is signed in as after the morning's login) and, between pauses of BENCH_QUEUE_WAIT
seconds, opens queue pages as staff do:

- a stage tab (mostly the stages with work: initial review, interview, committee);
- a search by name (a full name, or a surname alone, which matches thousands);
- a search by application number (exact, or its beginning, matching tens to hundreds);
- a search by identity-document number (whole number, as typed);
- a sort by one of the columns, either way, sometimes within a stage;
- a later page (2..last) of a stage or of everything, the last page known from the page.

Every answer must be 200 and show what was asked for (the number searched for, a table or
the "no match" line); anything else is a failure. Requests are named by kind, so the report
has a line per kind. BENCH_PEOPLE points at staff.json, BENCH_QUEUE_TARGETS at targets.json
(both written by seed_queue.py).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from typing import Any
from urllib.parse import urlencode

from common import TALLY, ApplicantUser, client_ip, people_load
from locust import between, events, task
from locust.exception import StopUser

PEOPLE = people_load()
NEXT = itertools.count()
with open(os.environ.get("BENCH_QUEUE_TARGETS", "targets.json"), encoding="utf-8") as handle:
    TARGETS: dict[str, Any] = json.load(handle)
WAIT = [float(x) for x in os.environ.get("BENCH_QUEUE_WAIT", "1,3").split(",")]
BASE = f"/staff/{TARGETS['society']}/batches/{TARGETS['batch']}/queue/"
STAGES = ["all", "review", "returned", "interview", "committee", "notice", "alliance", "certified", "closed"]
STAGE_WEIGHTS = [4, 6, 1, 4, 3, 2, 1, 1, 1]
SORTS = ["submitted", "changed", "number", "name", "grade", "unit"]
PAGE_LINK = re.compile(r"[?&;]page=(\d+)")


@events.test_start.add_listener
def _start(environment: Any, **_: Any) -> None:
    TALLY.notes["staff"] = len(PEOPLE)
    TALLY.notes["wait_seconds"] = WAIT
    TALLY.notes["targets"] = {k: len(v) for k, v in TARGETS.items() if isinstance(v, list)}


class Staff(ApplicantUser):
    wait_time = between(WAIT[0], WAIT[-1])

    def on_start(self) -> None:
        index = next(NEXT)
        if index >= len(PEOPLE):
            raise StopUser()
        self.rng = random.Random(index)
        self.pages: dict[str, int] = {}
        self.begin(PEOPLE[index], client_ip(60_000 + index))

    def open(self, name: str, params: dict[str, Any], expect: str | None = None, rows: bool = False) -> str:
        """GET a queue page; `expect` must be on it, and with `rows` at least one row."""
        url = f"{BASE}?{urlencode(params)}" if params else BASE
        with self.client.get(url, name=name, headers=self.headers(), catch_response=True) as page:
            text = page.text or ""
            if page.status_code != 200:
                page.failure(f"{page.status_code}")
                TALLY.mark(f"status_{page.status_code}")
                return ""
            if 'id="queue-table"' not in text and "queue-summary" not in text:
                page.failure("not the queue page")
                return ""
            if expect is not None and expect not in text:
                page.failure(f"{expect!r} not on the page")
                return ""
            if rows and 'name="selected"' not in text:
                page.failure("no row")
                return ""
            TALLY.mark(name)
            return text

    def remember_pages(self, key: str, text: str) -> None:
        found = [int(n) for n in PAGE_LINK.findall(text)]
        self.pages[key] = max(found, default=1)

    @task(25)
    def stage(self) -> None:
        stage = self.rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]
        text = self.open("stage tab", {"stage": stage})
        self.remember_pages(stage, text)

    @task(20)
    def search_name(self) -> None:
        name = self.rng.choice(TARGETS["names"])
        query = name[0] if self.rng.random() < 0.25 else name  # a surname alone matches thousands
        self.open("search by name", {"q": query}, rows=True)

    @task(15)
    def search_number(self) -> None:
        number = self.rng.choice(TARGETS["numbers"])
        if self.rng.random() < 0.5:
            self.open("search by number (exact)", {"q": number}, expect=f">{number}</a>")
        else:
            self.open("search by number (beginning)", {"q": number[:-2]}, rows=True)

    @task(5)
    def search_document(self) -> None:
        document, number = self.rng.choice(TARGETS["documents"])
        self.open("search by ID number", {"q": document}, expect=f">{number}</a>")

    @task(15)
    def sort(self) -> None:
        key = self.rng.choice(SORTS)
        params = {"sort": key if self.rng.random() < 0.5 else f"-{key}"}
        if self.rng.random() < 0.5:
            params["stage"] = self.rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]
        self.open("sorted", params)

    @task(20)
    def later_page(self) -> None:
        stage = self.rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]
        if stage not in self.pages:
            self.remember_pages(stage, self.open("stage tab", {"stage": stage}))
        last = self.pages.get(stage, 1)
        if last < 2:
            return
        self.open("page 2..n", {"stage": stage, "page": self.rng.randint(2, last)})

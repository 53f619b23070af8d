"""A reference point for the verification scenario: the verification's lookup alone
(bench/urls.py), asked for the same known numbers by the same number of clients without pause.
The answer must be the number asked for."""

from __future__ import annotations

import json
import os
import random
from typing import Any

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ.get("BENCH_VERIFY_TARGETS", "targets.json"), encoding="utf-8") as handle:
    TARGETS: dict[str, Any] = json.load(handle)
KNOWN: list[dict[str, str]] = TARGETS["known"]


class LookupOnly(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def lookup(self) -> None:
        number = self.rng.choice(KNOWN)["number"]
        with self.client.get(f"/bench/lookup/{number}/", name="lookup alone", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            elif r.content != number.encode():
                r.failure("the lookup answered for another certificate")

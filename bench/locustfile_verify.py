"""The public checks certificates: the verification page and the API, by number, some with the
QR code's signed payload, a few with numbers no certificate has.

Each locust user is a client asking one question after another without pause (the load the
throughput is measured with), or BENCH_VERIFY_RATE questions a second (a paced run: the
latencies at a given load), or with BENCH_VERIFY_WAIT seconds between questions (min,max). Of every 100 questions: 55 open the page by number, 15 open the page from a QR
code (with `?p=`, the signed payload checked too), 28 ask the API, 2 ask for a number no
certificate has (page or API: the answer must be 404). A page must name the certificate and say
its status; the API must return its number. The per-address limit
(ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE) is raised for the run by verify_run.py, so a 429 here
is a failure. BENCH_VERIFY_TARGETS points at targets.json (written by seed_verify.py).
"""

from __future__ import annotations

import json
import os
import random
from typing import Any
from urllib.parse import quote

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ.get("BENCH_VERIFY_TARGETS", "targets.json"), encoding="utf-8") as handle:
    TARGETS: dict[str, Any] = json.load(handle)
KNOWN: list[dict[str, str]] = TARGETS["known"]
UNKNOWN: list[str] = TARGETS["unknown"]
WAIT = [float(x) for x in os.environ.get("BENCH_VERIFY_WAIT", "0,0").split(",")]
# Questions per second per client, for a paced run (overrides BENCH_VERIFY_WAIT).
RATE = float(os.environ.get("BENCH_VERIFY_RATE", "0"))
STATUS_WORDS = ("有效", "暂停", "撤销", "过期", "Valid", "Suspended", "Revoked", "Expired")


class Verifier(FastHttpUser):
    # Paced clients wait a random time averaging 1/RATE between questions, as people scanning
    # certificates do; a fixed rate would keep all 50 clients in lockstep, so that every question
    # arrives in a burst of 50 at once and the run measures the burst rather than the page.
    wait_time = (
        between(0, 2 / RATE) if RATE > 0 else between(WAIT[0], WAIT[1]) if WAIT[1] > 0 else constant(0)
    )

    def on_start(self) -> None:
        self.rng = random.Random()

    def _page(self, target: dict[str, str], *, with_payload: bool) -> None:
        url = f"/verify/{target['number']}/"
        if with_payload:
            url += f"?p={quote(target['p'])}"
        name = "verify page + QR payload" if with_payload else "verify page"
        with self.client.get(
            url, name=name, catch_response=True, headers={"Accept-Language": "zh-hans"}
        ) as r:
            body = r.text or ""
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            elif target["number"] not in body or not any(word in body for word in STATUS_WORDS):
                r.failure("the page does not name the certificate and its status")
            elif with_payload and 'id="qr-check"' not in body:
                r.failure("the QR payload was not checked")

    @task(55)
    def page(self) -> None:
        self._page(self.rng.choice(KNOWN), with_payload=False)

    @task(15)
    def page_with_payload(self) -> None:
        self._page(self.rng.choice(KNOWN), with_payload=True)

    @task(28)
    def api(self) -> None:
        target = self.rng.choice(KNOWN)
        with self.client.get(
            f"/api/v1/certificates/{target['number']}", name="API certificate", catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            elif (r.json() or {}).get("number") != target["number"]:
                r.failure("the API answered for another certificate")

    @task(2)
    def unknown(self) -> None:
        number = self.rng.choice(UNKNOWN)
        if self.rng.random() < 0.5:
            url, name = f"/verify/{number}/", "unknown number (page)"
        else:
            url, name = f"/api/v1/certificates/{number}", "unknown number (API)"
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code == 404:
                r.success()
            else:
                r.failure(f"HTTP {r.status_code} for an unknown number")

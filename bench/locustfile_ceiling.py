"""The ceiling: GET /healthz, a bare Django view through the whole middleware stack, no database."""

from __future__ import annotations

from locust import task
from locust.contrib.fasthttp import FastHttpUser


class Probe(FastHttpUser):
    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="healthz")

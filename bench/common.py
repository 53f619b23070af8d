"""What the locustfiles share: the seeded people, signing in, reading a form, the run's tally.

run.py passes everything through environment variables:
BENCH_PEOPLE (JSON file: one {"email", "uid"} per seeded applicant), BENCH_PASSWORD,
BENCH_SUMMARY (where to write this scenario's own tally as JSON).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from html.parser import HTMLParser
from http.cookiejar import Cookie
from typing import Any
from urllib.parse import urlsplit

from locust import events
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = os.environ.get("BENCH_PASSWORD", "engcert-bench-2026")


def people_load() -> list[dict[str, str]]:
    path = os.environ.get("BENCH_PEOPLE")
    if not path:
        return []
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def client_ip(index: int) -> str:
    """A distinct address per simulated applicant, as the reverse proxy would forward it."""
    return f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"


class Tally:
    """Counts that locust's request statistics do not keep, written when locust stops."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.notes: dict[str, Any] = {}
        self.started = time.time()
        self.first_at: float | None = None
        self.last_at: float | None = None

    def mark(self, key: str) -> None:
        now = time.time()
        self.counts[key] += 1
        if self.first_at is None:
            self.first_at = now
        self.last_at = now

    def write(self) -> None:
        path = os.environ.get("BENCH_SUMMARY")
        if not path:
            return
        data = {
            "counts": dict(self.counts),
            "notes": self.notes,
            "started": self.started,
            "first_at": self.first_at,
            "last_at": self.last_at,
            "stopped": time.time(),
        }
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)


TALLY = Tally()


@events.quitting.add_listener
def _write_tally(environment: Any, **_: Any) -> None:
    TALLY.write()


class FormReader(HTMLParser):
    """The fields of the first POST form posting to `action` (None: to the page itself), as a browser sends them."""

    def __init__(self, action: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.fields: list[tuple[str, str]] = []
        self.found = False
        self._inside = False
        self._done = False
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._option_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self._done and not self._inside:
            # action None: the page's own form (no action), not the language or logout form.
            if a.get("method", "get").lower() == "post" and a.get("action", "") in ("", self.action or ""):
                self._inside = True
                self.found = True
            return
        if not self._inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_value = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else self._first_option
            if value is not None:
                self.fields.append((self._select, value))
            self._select = None
        elif tag == "form" and self._inside:
            self._inside = False
            self._done = True


def form_fields(html: str, action: str | None = None) -> list[tuple[str, str]] | None:
    reader = FormReader(action)
    reader.feed(html)
    return reader.fields if reader.found else None


class ApplicantUser(FastHttpUser):
    """A browser-like client: cookies, no automatic redirects (each hop is measured by name)."""

    abstract = True
    insecure = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Never follow redirects: each hop is its own named request. (locust 2.42's
        # allow_redirects=False on FastHttpUser reads a misspelt attribute and fails.)
        self.client.client.redirect_response_codes = frozenset()

    def csrf_token(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value or ""
        return ""

    def new_session(self, ip: str) -> None:
        self.client.cookiejar.clear()
        self.ip = ip

    def resume(self, session_key: str) -> None:
        """Carry on in a session that was signed in before the run (see verify.people)."""
        host = urlsplit(self.host or "http://127.0.0.1").hostname or "127.0.0.1"
        self.client.cookiejar.set_cookie(
            Cookie(
                0,
                "sessionid",
                session_key,
                None,
                False,
                host,
                False,
                False,
                "/",
                True,
                False,
                None,
                False,
                None,
                None,
                {},
            )
        )

    def begin(self, person: dict[str, str], ip: str, name_prefix: str = "") -> bool:
        """A fresh browser for this person: their existing session, or a sign-in."""
        self.new_session(ip)
        if person.get("session"):
            self.resume(person["session"])
            return True
        return self.sign_in(person["email"], name_prefix=name_prefix)

    def headers(self, **extra: str) -> dict[str, str]:
        return {"X-Forwarded-For": self.ip, "Accept-Language": "zh-hans", **extra}

    def sign_in(self, email: str, name_prefix: str = "") -> bool:
        """allauth's form: fetch it for the CSRF token, post login and password, follow to home."""
        with self.client.get(
            "/accounts/login/", name=f"{name_prefix}login page", headers=self.headers(), catch_response=True
        ) as page:
            if page.status_code != 200:
                page.failure(f"login page {page.status_code}")
                return False
            fields = form_fields(page.text or "")
        token = dict(fields or []).get("csrfmiddlewaretoken") or self.csrf_token()
        with self.client.post(
            "/accounts/login/",
            name=f"{name_prefix}login",
            data={"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD},
            headers=self.headers(Referer=f"{self.host}/accounts/login/"),
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}, not a redirect")
                return False
            location = response.headers.get("Location", "/")
        with self.client.get(
            location, name=f"{name_prefix}home after login", headers=self.headers(), catch_response=True
        ) as home:
            if home.status_code != 200:
                home.failure(f"home {home.status_code}")
        return True

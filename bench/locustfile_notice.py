"""The public notice (公示) just published: the public opens it at once, and some object.

Each locust user is a stream of anonymous visitors, one after another; each visitor has a fresh
browser (no cookies) and an address of their own (X-Forwarded-For, as the reverse proxy sends
it), so the per-address objection throttle applies per person as in production:

- opens the list of notices (`/notices/`), which must link to the new notice;
- reads it for BENCH_NOTICE_WAIT seconds, then opens the notice page, which must list every
  candidate (one "Object" link per row: BENCH_NOTICE_LISTED rows);
- one visitor in ten (BENCH_NOTICE_OBJECT_SHARE) then chooses a candidate, opens the objection
  form, writes for BENCH_NOTICE_WRITE seconds (the form refuses what is sent faster than a person
  writes: `FORM_MIN_SECONDS` in engcert/notices/forms.py), and sends it with the form's own hidden
  fields (CSRF token, signed display time, the empty honeypot field), one in three with a small
  evidence file (PNG or PDF) as a browser sends it (multipart). The answer must be a redirect to
  the confirmation page, which must show the reference; every acknowledged reference is kept,
  for the count against the database after the run.

Nothing is retried: a person whose objection got no answer would see an error page, and that is
a failure here. BENCH_NOTICE_TARGETS points at targets.json (written by seed_notice.py).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import struct
import uuid
import zlib
from typing import Any

import gevent
from common import TALLY, ApplicantUser, client_ip, form_fields
from locust import events, task

with open(os.environ.get("BENCH_NOTICE_TARGETS", "targets.json"), encoding="utf-8") as handle:
    TARGETS: dict[str, Any] = json.load(handle)
NOTICE = TARGETS["notice"]
ENTRIES: list[str] = TARGETS["entries"]
WAIT = [float(x) for x in os.environ.get("BENCH_NOTICE_WAIT", "2,6").split(",")]
WRITE = [float(x) for x in os.environ.get("BENCH_NOTICE_WRITE", "4,10").split(",")]
OBJECT_SHARE = float(os.environ.get("BENCH_NOTICE_OBJECT_SHARE", "0.1"))
LISTED = int(os.environ.get("BENCH_NOTICE_LISTED", str(len(ENTRIES))))
USER_IDS = itertools.count()
RECEIVED = re.compile(r"/notices/objections/([A-Z0-9-]+)/$")
REFERENCES: list[str] = []

STATEMENTS = [
    "据我所知，该候选人申请表中填写的主持{project}项目的起止时间与实际不符，该项目由其所在部门的另一位同事负责，"
    "候选人当时仅参与了部分施工图审查工作。请学会核实。",
    "该候选人申报的学历为全日制本科，但据同学反映其为函授学历，请核实其学历证书及学位证书。",
    "候选人在{project}工程中担任的职务在申请材料中描述为项目技术负责人，与单位任命文件不一致。",
    "本人曾与该候选人在同一单位工作，其申报的工作年限中有两年实际从事行政工作，非工程技术工作。",
]
PROJECTS = [
    "500千伏变电站新建",
    "±800千伏特高压直流输电",
    "220千伏线路改造",
    "城市配电网自动化",
    "抽水蓄能电站",
]


def _png() -> bytes:
    """A small but complete PNG image (48x48, grey), as a phone photo would be in miniature."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes([128 + (y % 64)] * 48) for y in range(48))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 48, 48, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    + b"% padding to a few kilobytes, as a scanned letter would be\n"
    * 60
)
EVIDENCE = [("情况说明.pdf", "application/pdf", PDF), ("项目任命文件照片.png", "image/png", _png())]


def multipart(fields: list[tuple[str, str]], file: tuple[str, str, bytes] | None) -> tuple[bytes, str]:
    """The body a browser sends for the form (enctype multipart/form-data), and its content type."""
    boundary = f"----engcertbench{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    filename, content_type, content = file if file else ("", "application/octet-stream", b"")
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@events.test_start.add_listener
def _start(environment: Any, **_: Any) -> None:
    TALLY.notes.update(
        wait_seconds=WAIT,
        write_seconds=WRITE,
        object_share=OBJECT_SHARE,
        listed=LISTED,
        references=REFERENCES,
    )


class Visitor(ApplicantUser):
    def wait_time(self) -> float:
        return self.rng.uniform(WAIT[0], WAIT[-1])

    def on_start(self) -> None:
        self.index = next(USER_IDS)
        self.rng = random.Random(self.index)
        self.visits = 0

    def pause(self, bounds: list[float]) -> None:
        gevent.sleep(self.rng.uniform(bounds[0], bounds[-1]))

    def get(self, url: str, name: str, must: str, count: tuple[str, int] | None = None) -> str:
        with self.client.get(url, name=name, headers=self.headers(), catch_response=True) as page:
            text = page.text or ""
            if page.status_code != 200:
                page.failure(f"{page.status_code}")
                TALLY.mark(f"status_{page.status_code}")
                return ""
            if must not in text:
                page.failure(f"{must!r} not on the page")
                return ""
            if count is not None and text.count(count[0]) != count[1]:
                page.failure(f"{text.count(count[0])} rows, not {count[1]}")
                return ""
            TALLY.mark(name)
            return text

    @task
    def visit(self) -> None:
        # A new person: fresh browser, own address.
        self.visits += 1
        self.new_session(client_ip(100_000 + self.index * 1000 + self.visits % 1000))
        if not self.get("/notices/", "notices list", f"/notices/{NOTICE}/"):
            return
        self.pause(WAIT)
        if not self.get(
            f"/notices/{NOTICE}/", "notice page", 'id="notice-table"', count=("/object/", LISTED)
        ):
            return
        if self.rng.random() >= OBJECT_SHARE:
            return
        self.pause(WAIT)
        self.object(self.rng.choice(ENTRIES))

    def object(self, entry: str) -> None:
        url = f"/notices/{NOTICE}/candidates/{entry}/object/"
        form = self.get(url, "objection form", 'name="shown"')
        if not form:
            return
        fields = form_fields(form)
        if fields is None:
            TALLY.mark("objection form without form")
            return
        self.pause(WRITE)  # reading the page and writing the statement
        values = dict(fields)
        values.update(
            name=self.rng.choice("王李张刘陈杨赵周吴")
            + self.rng.choice(["先生", "女士", "工", "明", "立强"]),
            phone=f"139{self.rng.randrange(10**8):08d}" if self.rng.random() < 0.8 else "",
            email=f"public{self.index}-{self.visits}@example.cn",
            statement=self.rng.choice(STATEMENTS).format(project=self.rng.choice(PROJECTS)),
        )
        evidence = self.rng.choice(EVIDENCE) if self.rng.random() < 1 / 3 else None
        body, content_type = multipart(list(values.items()), evidence)
        name = "objection submit (with evidence)" if evidence else "objection submit"
        with self.client.post(
            url,
            data=body,
            name=name,
            headers=self.headers(**{"Content-Type": content_type, "Referer": f"{self.host}{url}"}),
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"answered {response.status_code}, not a redirect")
                TALLY.mark(f"objection_status_{response.status_code}")
                return
            location = response.headers.get("Location", "")
            found = RECEIVED.search(location)
            if not found:
                response.failure(f"redirected to {location!r}")
                return
        reference = found.group(1)
        REFERENCES.append(reference)
        TALLY.mark("objection_acknowledged" + ("_with_evidence" if evidence else ""))
        self.get(location, "objection received", reference)

"""Registered members made by the real steps (interview, committee, notice, the alliance's
confirmation), for the issuing tests; and the tools that check a certificate's PDF from outside."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from engcert.applications.enums import ApplicationState as S
from engcert.registration.domain import package_send, registration_confirm
from engcert.registration.models import PackageItem, Registration
from tests.conftest import World
from tests.evaluation_helpers import advance, candidate_interviewed


def registered_members(world: World, count: int, *, first_index: int = 0) -> list[Registration]:
    """`count` candidates of the world's batch, registered by the alliance in one package."""
    applications = [
        advance(world, candidate_interviewed(world, index=first_index + i), to=S.NOTICE_PASSED)
        for i in range(count)
    ]
    package = package_send(
        society=world.society, batch=world.batch, applications=applications, by=world.staff
    )
    return [
        registration_confirm(item=PackageItem.objects.get(package=package, application=a), by=world.reviewer)
        for a in applications
    ]


def run(*args: str, stdout_only: bool = False) -> str:
    """A command's standard output and error together (or its output alone)."""
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    return result.stdout if stdout_only else result.stdout + result.stderr


def nss_db_trusting(ca_cert: Path, folder: Path) -> str:
    """An NSS database in `folder` that trusts the society's certificate authority."""
    folder.mkdir(parents=True, exist_ok=True)
    run("certutil", "-N", "--empty-password", "-d", f"sql:{folder}")
    run("certutil", "-A", "-n", "society", "-t", "CT,C,C", "-i", str(ca_cert), "-d", f"sql:{folder}")
    return f"sql:{folder}"


def qr_payloads(pdf_path: Path, folder: Path) -> list[str]:
    """The URLs of the QR codes on the PDF's first page, read from a 150 dpi image with zbarimg."""
    assert shutil.which("pdftoppm") and shutil.which("zbarimg")
    prefix = folder / "page"
    run("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf_path), str(prefix))
    images = sorted(folder.glob("page*.png"))
    out = run("zbarimg", "--quiet", "--raw", *[str(i) for i in images], stdout_only=True)
    return [line for line in out.splitlines() if line.strip()]


def p_parameter(url: str) -> str:
    return parse_qs(urlparse(url).query)["p"][0]


def embedded_fonts(pdf_path: Path) -> list[str]:
    """Font names pdffonts lists as embedded (the subset prefix removed)."""
    names = []
    for line in run("pdffonts", str(pdf_path)).splitlines()[2:]:
        columns = line.split()
        if len(columns) >= 5 and "yes" in columns[-5:-2]:
            names.append(re.sub(r"^[A-Z]{6}\+", "", columns[0]))
    return names

"""The API's documentation page loads nothing from the internet: its Swagger UI comes from
engcert's own static files."""

from __future__ import annotations

import re

from django.test import Client


def test_the_api_docs_page_loads_only_local_files(db: None) -> None:
    page = Client().get("/api/v1/docs").content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert addresses
    assert [a for a in addresses if not a.startswith("/")] == []

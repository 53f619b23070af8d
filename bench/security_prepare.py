"""Sign-ins and identifiers for `make security` (run by bench/security.py in the scan's environment).

Prints one JSON object: session cookies of the demo's society staff (with an authenticator app,
as the second factor requires) and of the demo applicant, an API token of the society's
membership-system client, and the identifiers the scanned pages need. The sessions are made the
way a test signs someone in (django.test.Client.force_login), in the scan's own database.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.security_settings")

import django

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from engcert.accounts.models import User  # noqa: E402
from engcert.apiclients.domain import api_token_issue  # noqa: E402
from engcert.apiclients.models import ApiClient  # noqa: E402
from engcert.applications.enums import ApplicationState  # noqa: E402
from engcert.applications.models import Application  # noqa: E402
from engcert.certificates.models import Certificate  # noqa: E402
from engcert.notices.forms import form_token_issue  # noqa: E402
from engcert.notices.models import NoticeEntry  # noqa: E402
from engcert.notices.selectors import LISTED  # noqa: E402


def session_of(email: str) -> str:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client.cookies["sessionid"].value


staff = User.objects.get(email="staff@demo.engcert")
if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
    TOTP.activate(staff, generate_totp_secret())
draft = Application.objects.filter(
    applicant__email="applicant@demo.engcert", state=ApplicationState.DRAFT
).first()
assert draft is not None, "the demo applicant has no draft"
society_client = ApiClient.objects.filter(organisation=draft.batch.society).order_by("pk").first()
assert society_client is not None, "the demo has no API client for the society"
certificate = Certificate.objects.order_by("pk").first()
assert certificate is not None, "the demo has no certificate"
now = timezone.now()
listed = (
    NoticeEntry.objects.filter(LISTED, notice__starts_at__lte=now, notice__ends_at__gt=now)
    .select_related("notice")
    .order_by("pk")
    .first()
)
assert listed is not None, "the demo has no candidate on a running public notice"
print(
    json.dumps(
        {
            "staff_session": session_of("staff@demo.engcert"),
            "applicant_session": session_of("applicant@demo.engcert"),
            "api_token": api_token_issue(client=society_client, by=staff).raw,
            "society": draft.batch.society.code,
            "batch": draft.batch.pk,
            "application": str(draft.uid),
            "certificate": certificate.number,
            "notice": str(listed.notice.uid),
            "notice_entry": str(listed.uid),
            # The objection form's signed "shown at" time, as the page would have put it in.
            "objection_shown": form_token_issue(at=time.time() - 60),
            "candidate": str(
                Application.objects.exclude(state=ApplicationState.DRAFT)
                .filter(batch__society=draft.batch.society)
                .values_list("uid", flat=True)
                .first()
            ),
        }
    )
)

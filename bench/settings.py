"""Production settings plus what a deployment behind a reverse proxy sets.

The benchmark plays a proxy that puts each simulated applicant's address in X-Forwarded-For,
so allauth's per-IP login rate limit (30/min/ip) applies per applicant as it would in
production, instead of to all 2,000 applicants at once as if they shared 127.0.0.1.

The public-notice scenario: each simulated visitor has an address of its own too, so the
per-address limit on objections (10 an hour) would hardly be reached; it is raised all the same,
so that a visitor stream that reuses an address (the addresses cycle per stream) is never
refused and a refusal can only mean a fault. The cache is per gunicorn worker here (LocMem, as
`ENGCERT_CACHE_BACKEND` is unset), Redis in production. The objection form's minimum time to
write (`FORM_MIN_SECONDS` in engcert/notices/forms.py, 3 s) has no setting: the simulated
visitors take 4-10 s to write, as people do, and nothing here changes it.
The server's addresses are engcert's plus one reference point that only the bench serves
(bench/urls.py: the verification's lookup alone). Nothing else differs from engcert.settings.
"""

from engcert.settings import *  # noqa: F403

ALLAUTH_TRUSTED_PROXY_COUNT = 1
ENGCERT_OBJECTIONS_PER_IP_PER_HOUR = 1_000_000
ROOT_URLCONF = "bench.urls"

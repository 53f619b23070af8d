"""Production settings plus what a deployment behind a reverse proxy sets.

The benchmark plays a proxy that puts each simulated applicant's address in X-Forwarded-For,
so allauth's per-IP login rate limit (30/min/ip) applies per applicant as it would in
production, instead of to all 2,000 applicants at once as if they shared 127.0.0.1.
Nothing else differs from engcert.settings.
"""

from engcert.settings import *  # noqa: F403

ALLAUTH_TRUSTED_PROXY_COUNT = 1

"""Production settings for `make security`, with the per-client limits lifted.

sqlmap sends thousands of requests from one address. With the production limits it would be
answered 429 after the first few (certificate lookups, API calls, failed sign-ins) and would then
test nothing but the throttle. The limits are lifted here so that every payload reaches the code
that reads the parameter; nothing else differs from engcert.settings.
"""

from engcert.settings import *  # noqa: F403

ACCOUNT_RATE_LIMITS = False
ENGCERT_VERIFY_LOOKUPS_PER_IP_PER_MINUTE = 1_000_000
ENGCERT_API_RATE = "1000000/m"
ENGCERT_OBJECTIONS_PER_IP_PER_HOUR = 1_000_000
ENGCERT_REFEREE_PAGES_PER_IP_PER_HOUR = 1_000_000

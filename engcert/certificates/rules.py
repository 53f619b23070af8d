"""Who may issue, list and download certificates."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from engcert.batches.rules import is_staff_of_society


@predicate
def is_certificate_holder(user: Any, certificate: Any) -> bool:
    """The member the certificate was issued to (through their registration's account)."""
    if certificate is None or not user.is_authenticated:
        return False
    return bool(certificate.registration.holder_id == user.pk)


@predicate
def is_staff_of_certificate_society(user: Any, certificate: Any) -> bool:
    if certificate is None:
        return False
    return bool(is_staff_of_society(user, certificate.society))


# --- Issuing (society staff) ---------------------------------------------------------------
# The society's staff set the certificate policy, issue certificates and list them.
add_perm("certificates.manage_certificates", is_staff_of_society)
# The holder and the society's staff may download a certificate's PDF.
add_perm("certificates.download_certificate", is_certificate_holder | is_staff_of_certificate_society)


# --- Status, credentials and the register listing (verification and register pages) -------
# The society's staff suspend, reinstate and revoke its certificates and see their history.
add_perm("certificates.change_certificate_status", is_staff_of_certificate_society)
# Only the holder downloads their Verifiable Credential (it is theirs to present).
add_perm("certificates.download_credential", is_certificate_holder)

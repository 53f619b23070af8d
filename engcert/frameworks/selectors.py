from __future__ import annotations

from engcert.frameworks.models import FrameworkVersion


def framework_version_current() -> FrameworkVersion | None:
    return (
        FrameworkVersion.objects.filter(is_current=True)
        .select_related("framework")
        .order_by("-effective_from")
        .first()
    )

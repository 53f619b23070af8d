"""Candidates whose public notice has passed, ready for the society to send to the alliance."""

from __future__ import annotations

from engcert.applications.enums import ApplicationState as S
from engcert.applications.models import Application
from engcert.registration.domain import package_send
from engcert.registration.models import AlliancePackage, PackageItem
from tests.conftest import World
from tests.evaluation_helpers import advance, candidate_interviewed


def candidate_notice_passed(world: World, *, index: int) -> Application:
    return advance(world, candidate_interviewed(world, index=index), to=S.NOTICE_PASSED)


def sent(world: World, *applications: Application) -> AlliancePackage:
    """The batch's package holding exactly these candidates."""
    return package_send(
        society=world.society, batch=world.batch, applications=list(applications), by=world.staff
    )


def item_of(package: AlliancePackage, application: Application) -> PackageItem:
    return PackageItem.objects.get(package=package, application=application)

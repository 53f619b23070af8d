"""An applicant opens "My data" from the header, downloads the ZIP of everything engcert holds
about them, and asks the society to erase it; the society's staff then find the request."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from engcert.accounts.models import User
from engcert.demo import builders
from engcert.privacy.models import DeletionRequest, DeletionRequestState
from tests.browser.journey import LANGUAGE, Person, t
from tests.conftest import PASSWORD, World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chinese_journey"),
]


def test_an_applicant_downloads_their_data_and_asks_for_it_to_be_erased(
    browser, live_server, shots, world: World
):
    application = builders.application_complete_draft(
        batch=world.batch,
        applicant=world.applicant,
        person=builders.Person("王伟", True, builders.date(1985, 3, 14), world.unit.name),
        unit=world.unit,
    )
    User.objects.update(language=LANGUAGE)

    applicant = Person(browser, live_server.url, shots, "applicant")
    applicant.sign_in(world.applicant, second_factor=False)
    applicant.click(applicant.page.locator("header").get_by_role("link", name=t("My data")))
    applicant.shot("my-data")
    # The file comes only after the password is confirmed on allauth's page, which then resumes it.
    applicant.click(applicant.page.get_by_role("button", name=t("Download my data (ZIP)")))
    assert "/accounts/reauthenticate/" in applicant.page.url
    applicant.page.fill("input[name=password]", PASSWORD)
    with applicant.page.expect_download() as download:
        applicant.page.locator("main form button[type=submit]").first.click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    data = json.loads(archive.read("data.json"))
    assert [row["uid"] for row in data["sections"]["applications.Application"]["rows"]] == [
        str(application.uid)
    ]
    assert sorted(name.split("/")[0] for name in archive.namelist()) == ["README.txt", "data.json", "files"]

    applicant.go("/account/data/")  # the download answered the password page; back to the data page
    applicant.page.get_by_label(t("Anything the society should know (optional)")).fill("不再申请")
    applicant.page.get_by_label(
        t(
            "I understand that my account will be closed and my data erased, except records the law requires "
            "the society to keep."
        )
    ).check()
    applicant.click(applicant.page.get_by_role("button", name=t("Ask for my data to be erased")))
    applicant.shot("asked")
    assert t("Your request was sent. You will be emailed each society's answer.") in applicant.messages()
    assert list(DeletionRequest.objects.values_list("society", "state", "note")) == [
        (world.society.pk, DeletionRequestState.PENDING, "不再申请")
    ]
    applicant.close()

    staff = Person(browser, live_server.url, shots, "staff")
    staff.sign_in(world.staff)
    staff.go(f"/staff/{world.society.code}/deletion-requests/")
    staff.follow(world.applicant.full_name)
    staff.shot("request")
    assert "不再申请" in staff.main()
    staff.close()

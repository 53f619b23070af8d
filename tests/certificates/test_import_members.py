"""`manage.py import_members`: members registered before engcert, with their certificates."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook

from engcert.accounts.models import User
from engcert.audit.models import AuditEvent
from engcert.certificates.enums import CertificateSource, CertificateStatus
from engcert.certificates.models import Certificate
from engcert.certificates.payload import payload_verify
from engcert.demo.builders import prc_id_number
from engcert.registration.models import Registration
from engcert.spreadsheets.reading import RowProblem
from tests.conftest import World

HEADERS = [
    "姓名",
    "姓名拼音",
    "证件类型",
    "证件号码",
    "会员编号",
    "证书编号",
    "级别",
    "专业领域",
    "工作单位",
    "电子邮箱",
    "手机",
    "注册日期",
    "证书有效期起",
    "证书有效期至",
    "证书状态",
]
ENGLISH_HEADERS = [
    "Name",
    "Name in pinyin",
    "Document type",
    "Document number",
    "Member number",
    "Certificate number",
    "Grade",
    "Professional field",
    "Unit",
    "Email",
    "Mobile",
    "Registration date",
    "Valid from",
    "Valid until",
    "Status",
]
ID_1 = prc_id_number(birth=date(1980, 5, 17), male=True)
ID_2 = prc_id_number(birth=date(1985, 11, 2), male=False, sequence=34)


def member(index: int, **changes: Any) -> list[Any]:
    """One good row; `changes` by header."""
    values: dict[str, Any] = {
        "姓名": ["张建国", "李秀英", "王磊"][index % 3],
        "姓名拼音": ["Zhang Jianguo", "Li Xiuying", "Wang Lei"][index % 3],
        "证件类型": "居民身份证",
        "证件号码": [ID_1, ID_2, ""][index % 3],
        "会员编号": f"CSEE-EM-2021-{index:03d}",
        "证书编号": f"CSEE2021PE{index:04d}",
        "级别": ["PE", "资深专业工程师", "AE"][index % 3],
        "专业领域": ["输电", "01", "发电/火电"][index % 3],
        "工作单位": ["山东电力建设第三工程有限公司", "中国电力工程顾问集团", "某省电力设计院"][index % 3],
        "电子邮箱": f"member{index}@example.org",
        "手机": "13912345678",
        "注册日期": date(2021, 3, 1),
        "证书有效期起": date(2021, 3, 1),
        "证书有效期至": date(2030, 2, 28),
        "证书状态": "",
    }
    values.update(changes)
    return [values[header] for header in HEADERS]


def workbook(path: Path, rows: list[list[Any]], *, headers: list[str] = HEADERS, title: str = "") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_members", str(path), "--society", "csee", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_members", str(path), "--society", "csee", *args, stdout=out, stderr=err)
    assert raised.value.returncode == 1
    return str(raised.value), err.getvalue()


def problems_of(err: str) -> list[str]:
    return [line.strip() for line in err.splitlines() if line.startswith("  ")]


# --- A good file ------------------------------------------------------------------------------


def test_a_good_file_imports_each_member_with_their_own_certificate_number(
    world: World, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "members.xlsx", [member(1), member(2), member(3)])
    out, err = run(path)

    assert err == ""
    assert "3 members imported (3 new accounts), 0 already present, 0 rows with problems left out." in out
    assert "Unit not among the society's units, kept as written: 某省电力设计院 (1 members)." in out
    registrations = list(Registration.objects.order_by("member_number"))
    assert [
        (
            r.member_number,
            r.full_name,
            r.full_name_en,
            r.email,
            r.grade.code,
            r.discipline.name if r.discipline else "",
        )
        for r in registrations
    ] == [
        ("CSEE-EM-2021-001", "李秀英", "Li Xiuying", "member1@example.org", "SPE", "电力系统及其自动化"),
        ("CSEE-EM-2021-002", "王磊", "Wang Lei", "member2@example.org", "AE", "火电"),
        ("CSEE-EM-2021-003", "张建国", "Zhang Jianguo", "member3@example.org", "PE", "输电"),
    ]
    assert [r.unit for r in registrations] == [world.other_unit, None, world.unit]
    assert all(r.imported and r.application is None and r.society == world.society for r in registrations)
    assert registrations[0].registered_at == timezone.make_aware(datetime(2021, 3, 1))

    certificates = list(Certificate.objects.order_by("status_index"))
    assert [(c.number, c.registration.member_number, c.status_index) for c in certificates] == [
        ("CSEE2021PE0001", "CSEE-EM-2021-001", 0),
        ("CSEE2021PE0002", "CSEE-EM-2021-002", 1),
        ("CSEE2021PE0003", "CSEE-EM-2021-003", 2),
    ]
    first = certificates[0]
    assert (first.source, first.status, first.term, first.valid_from, first.valid_until, first.pdf.name) == (
        CertificateSource.IMPORTED,
        CertificateStatus.VALID,
        1,
        date(2021, 3, 1),
        date(2030, 2, 28),
        "",
    )
    assert first.issued_at == timezone.make_aware(datetime(2021, 3, 1))
    payload = payload_verify(first.qr_token)
    assert payload.claims == {
        "n": "CSEE2021PE0001",
        "nm": "李秀英",
        "g": "SPE",
        "d": "电力系统及其自动化",
        "s": "CSEE",
        "vf": "2021-03-01",
        "vu": "2030-02-28",
    }
    assert payload.key_id == first.key_id

    event = AuditEvent.objects.get(action="registration.imported", subject_id=str(registrations[1].pk))
    assert (event.data["unit_as_written"], event.data["row"], event.data["certificate"]) == (
        "某省电力设计院",
        3,
        "CSEE2021PE0002",
    )


def test_an_imported_certificate_is_verified_on_the_public_page_at_once(world: World, tmp_path: Path) -> None:
    run(workbook(tmp_path / "members.xlsx", [member(1, 证书状态="撤销")]))
    certificate = Certificate.objects.get()
    response = Client().get(
        reverse("certificates:verify_number", args=[certificate.number]), {"p": certificate.qr_token}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert ("李秀英" in page, "Revoked" in page, "CSEE2021PE0001" in page) == (True, True, True)


def test_new_accounts_have_no_usable_password_and_are_claimed_by_a_password_reset(
    world: World, tmp_path: Path
) -> None:
    run(workbook(tmp_path / "members.xlsx", [member(1)]))
    holder = Registration.objects.get().holder
    assert holder is not None
    assert (holder.email, holder.full_name, holder.has_usable_password(), holder.is_active) == (
        "member1@example.org",
        "李秀英",
        False,
        True,
    )
    mail.outbox.clear()
    member_browser = Client()
    response = member_browser.post(reverse("account_reset_password"), {"email": "member1@example.org"})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["member1@example.org"]]
    link = re.search(r"https?://\S+/password/reset/key/\S+", mail.outbox[0].body)
    assert link is not None
    form = member_browser.get(urlparse(link.group(0)).path, follow=True)
    assert form.status_code == 200
    new_password = "Tr0ubadour-and-3-horses"
    done = member_browser.post(
        form.redirect_chain[-1][0] if form.redirect_chain else urlparse(link.group(0)).path,
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302
    holder.refresh_from_db()
    assert holder.check_password(new_password) is True
    signed_in = Client().post(
        reverse("account_login"), {"login": "member1@example.org", "password": new_password}
    )
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/")


def test_a_member_with_an_account_keeps_it(world: World, tmp_path: Path) -> None:
    run(workbook(tmp_path / "members.xlsx", [member(1, 电子邮箱="Applicant@Example.com")]))
    assert Registration.objects.get().holder == world.applicant
    assert User.objects.filter(email="applicant@example.com").count() == 1


def test_english_headers_a_title_row_and_blank_rows_are_understood(world: World, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "members.xlsx",
        [member(1), [None] * len(HEADERS), ["", " ", None], member(2)],
        headers=ENGLISH_HEADERS,
        title="中国电机工程学会工程会员名单（第一至三批）",
    )
    out, _err = run(path)
    assert "2 rows read, 2 blank rows skipped." in out
    assert Registration.objects.count() == 2


def test_dates_are_read_as_dates_excel_serials_and_text_and_digits_in_full_width(
    world: World, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path / "members.xlsx",
        [
            member(1, 注册日期=44256, 证书有效期起="2021-03-01", 证书有效期至="2026/2/28"),
            member(2, 注册日期="2021年3月1日", 证书有效期起="２０２１年３月１日", 证书有效期至="2026.2.28"),
            member(3, 会员编号="ＣＳＥＥ－ＥＭ－２０２１－００３", 证书有效期起=datetime(2021, 3, 1, 0, 0)),
        ],
    )
    run(path)
    assert list(
        Registration.objects.order_by("member_number").values_list(
            "member_number", "certificates__valid_from", "certificates__valid_until"
        )
    ) == [
        ("CSEE-EM-2021-001", date(2021, 3, 1), date(2026, 2, 28)),
        ("CSEE-EM-2021-002", date(2021, 3, 1), date(2026, 2, 28)),
        ("CSEE-EM-2021-003", date(2021, 3, 1), date(2030, 2, 28)),
    ]
    assert {timezone.localdate(r.registered_at) for r in Registration.objects.all()} == {date(2021, 3, 1)}


def test_statuses_come_from_the_file_or_from_the_dates(world: World, tmp_path: Path) -> None:
    today = timezone.localdate()
    path = workbook(
        tmp_path / "members.xlsx",
        [
            member(1, 证书状态="暂停"),
            member(2, 证书状态="已撤销"),
            member(3, 证书有效期起=date(2015, 3, 1), 证书有效期至=date(2020, 2, 29)),
            member(4, 证书状态="有效", 证书有效期起=date(2016, 3, 1), 证书有效期至=date(2021, 2, 28)),
            member(5, 证书状态="Valid", 证书有效期至=today + timedelta(days=30)),
        ],
    )
    run(path)
    rows = list(Certificate.objects.order_by("number").values_list("number", "status", "status_reason"))
    reason = "原有会员记录中的状态（Status as recorded in the society's earlier records）"
    assert rows == [
        ("CSEE2021PE0001", "suspended", reason),
        ("CSEE2021PE0002", "revoked", reason),
        ("CSEE2021PE0003", "expired", ""),
        ("CSEE2021PE0004", "expired", ""),
        ("CSEE2021PE0005", "valid", ""),
    ]
    expired = Certificate.objects.get(number="CSEE2021PE0003")
    assert expired.status_changed_at == timezone.make_aware(datetime(2020, 3, 1))


def test_a_reason_and_date_of_a_revocation_are_taken_from_their_columns(world: World, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*HEADERS, "状态原因", "状态变更日期"])
    sheet.append([*member(1, 证书状态="撤销"), "提供虚假业绩材料，经调查属实（见学会通报）", "2023-06-30"])
    book.save(tmp_path / "members.xlsx")
    run(tmp_path / "members.xlsx")
    certificate = Certificate.objects.get()
    assert (certificate.status, certificate.status_reason, certificate.status_changed_at) == (
        CertificateStatus.REVOKED,
        "提供虚假业绩材料，经调查属实（见学会通报）",
        timezone.make_aware(datetime(2023, 6, 30)),
    )


def test_status_list_positions_follow_the_societys_existing_certificates(
    world: World, tmp_path: Path
) -> None:
    run(workbook(tmp_path / "first.xlsx", [member(1), member(2)]))
    run(workbook(tmp_path / "second.xlsx", [member(3)]))
    assert Certificate.objects.get(number="CSEE2021PE0003").status_index == 2


# --- Bad input --------------------------------------------------------------------------------


def test_each_bad_value_is_reported_by_row_and_column_and_nothing_is_imported(
    world: World, tmp_path: Path
) -> None:
    bad_id = ID_1[:-1] + ("0" if ID_1[-1] != "0" else "1")
    path = workbook(
        tmp_path / "members.xlsx",
        [
            member(1, 姓名=""),
            member(2, 级别="总工程师"),
            member(3, 专业领域="土木工程"),
            member(4, 注册日期="2021-02-30"),
            member(5, 证书有效期起="三月一日"),
            member(6, 证书编号="CSEE2021PE0005"),
            member(7, 证件号码=bad_id),
            member(8, 电子邮箱="not-an-email"),
            member(9, 证书有效期至=date(2020, 1, 1)),
            member(10, 证书状态="吊销"),
            member(11, 证件类型="工作证"),
            member(12, 证件号码=int(ID_2)),
        ],
    )
    message, err = failing(path)
    assert message == "12 rows have problems; nothing was imported."
    assert problems_of(err) == [
        "Row 2, column 姓名 (A): This value is required.",
        "Row 3, column 级别 (G): 总工程师 is not a grade; use one of AE, PE, SPE or the grade's name.",
        "Row 4, column 专业领域 (H): 土木工程 is not a professional field of Chinese Society for Electrical Engineering; write its name or its code.",
        "Row 5, column 注册日期 (L): 2021-02-30 is not a real date.",
        "Row 6, column 证书有效期起 (M): 三月一日 is not a date; write it as 2021-03-01, 2021/3/1 or 2021年3月1日.",
        "Row 7, column 证书编号 (F): CSEE2021PE0005 is also in row 6.",
        "Row 8, column 证件号码 (D): The identity card number's check character is wrong; please check for typos.",
        "Row 9, column 电子邮箱 (J): not-an-email is not an email address.",
        "Row 10, column 证书有效期至 (N): The certificate must be valid until a day after it is valid from.",
        "Row 11, column 证书状态 (O): 吊销 is not a status; write 有效, 暂停, 撤销 or 过期 (valid, suspended, revoked, expired).",
        "Row 12, column 证件类型 (C): 工作证 is not a type of identity document.",
        "Row 13, column 证件号码 (D): The number is stored as a number, which Excel rounds; format the column as "
        "text and type the number again.",
    ]
    assert Registration.objects.count() == 0
    assert Certificate.objects.count() == 0
    assert User.objects.filter(email__endswith="@example.org").count() == 0


def test_numbers_already_in_engcert_are_reported(world: World, tmp_path: Path) -> None:
    run(workbook(tmp_path / "first.xlsx", [member(1)]))
    path = workbook(
        tmp_path / "second.xlsx",
        [
            member(2, 会员编号="CSEE-EM-2021-001"),
            member(3, 证书编号="CSEE2021PE0001"),
            member(4, 电子邮箱="member1@example.org"),
            member(5, 会员编号="CSEE-EM-2021-005"),
            member(6, 会员编号="CSEE-EM-2021-005"),
        ],
    )
    _message, err = failing(path)
    assert problems_of(err) == [
        "Row 2, column 会员编号 (E): Member number CSEE-EM-2021-001 is already registered in engcert (李秀英).",
        "Row 3, column 证书编号 (F): Certificate number CSEE2021PE0001 already belongs to member CSEE-EM-2021-001.",
        "Row 4, column 电子邮箱 (J): The account member1@example.org is already a registered member of the society "
        "(CSEE-EM-2021-001).",
        "Row 6, column 会员编号 (E): CSEE-EM-2021-005 is also in row 5.",
    ]
    assert Registration.objects.count() == 1


def test_merged_and_formula_cells_are_reported(world: World, tmp_path: Path) -> None:
    path = workbook(tmp_path / "members.xlsx", [member(1), member(2), member(3, 姓名='=B4&""')])
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.merge_cells("H2:H3")
    book.save(path)
    _message, err = failing(path)
    assert problems_of(err) == [
        "Row 2, column 专业领域 (H): The cell is merged with others (H2:H3); please unmerge it and fill in each row.",
        "Row 3, column 专业领域 (H): The cell is merged with others (H2:H3); please unmerge it and fill in each row.",
        'Row 4, column 姓名 (A): The cell holds a formula (=B4&""); please replace it by its value (copy, then '
        "paste values only).",
    ]


def test_a_file_that_is_not_a_spreadsheet_is_refused(world: World, tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    path.write_text("姓名,会员编号\n张三,1\n", encoding="utf-8")
    message, _err = failing(path)
    assert message == (
        "members.xlsx is not an Excel workbook (.xlsx) engcert can read; please save the list as an Excel "
        "workbook and try again."
    )


def test_a_file_without_the_required_columns_is_refused(world: World, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "members.xlsx", [["张三", "M1", "C1"]], headers=["姓名", "会员编号", "证书编号"]
    )
    message, _err = failing(path)
    assert message == (
        "The header row (row 1) lacks these columns: 级别 (Grade), 专业领域 (Professional field), 电子邮箱 (Email), "
        "注册日期 (Registration date), 证书有效期起 (Valid from), 证书有效期至 (Valid until)."
    )


def test_an_unknown_society_or_file_is_an_error(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"^There is no society with the code nope\.$"):
        call_command("import_members", str(tmp_path / "x.xlsx"), "--society", "nope", stdout=StringIO())
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_members", str(tmp_path / "x.xlsx"), "--society", "csee", stdout=StringIO())


# --- Choices ----------------------------------------------------------------------------------


def test_only_valid_imports_the_good_rows_and_lists_the_others(world: World, tmp_path: Path) -> None:
    path = workbook(tmp_path / "members.xlsx", [member(1), member(2, 级别="X"), member(3)])
    out, err = run(path, "--only-valid")
    assert problems_of(err) == [
        "Row 3, column 级别 (G): X is not a grade; use one of AE, PE, SPE or the grade's name."
    ]
    assert "2 members imported (2 new accounts), 0 already present, 1 rows with problems left out." in out
    assert list(Registration.objects.order_by("member_number").values_list("member_number", flat=True)) == [
        "CSEE-EM-2021-001",
        "CSEE-EM-2021-003",
    ]


def test_importing_the_same_file_again_adds_nothing(world: World, tmp_path: Path) -> None:
    path = workbook(tmp_path / "members.xlsx", [member(1), member(2)])
    run(path)
    events = AuditEvent.objects.count()
    out, err = run(path)
    assert err == ""
    assert "Row 2: 李秀英 (CSEE-EM-2021-001) is already present." in out
    assert "0 members imported (0 new accounts), 2 already present, 0 rows with problems left out." in out
    assert (Registration.objects.count(), Certificate.objects.count(), AuditEvent.objects.count()) == (
        2,
        2,
        events,
    )


def test_a_dry_run_checks_and_imports_nothing(world: World, tmp_path: Path) -> None:
    out, _err = run(workbook(tmp_path / "members.xlsx", [member(1), member(2)]), "--dry-run")
    assert "Dry run: 2 members would be imported, 0 are already present." in out
    assert Registration.objects.count() == 0


def test_only_the_societys_staff_may_be_named_as_importing(world: World, tmp_path: Path) -> None:
    message, _err = failing(
        workbook(tmp_path / "members.xlsx", [member(1)]), "--by", world.applicant.email, "--language", "en"
    )
    assert (
        message == "applicant@example.com is not on the staff of Chinese Society for Electrical Engineering."
    )
    assert Registration.objects.count() == 0


def test_the_report_speaks_the_language_asked_for(world: World, tmp_path: Path) -> None:
    path = workbook(tmp_path / "members.xlsx", [member(1, 级别="X")])
    with translation.override("en"):
        _message, err = failing(path, "--language", "zh-hans")
    with translation.override("zh-hans"):
        expected = str(
            RowProblem(
                row=2,
                column="级别",
                letter="G",
                message=gettext("%(value)s is not a grade; use one of %(codes)s or the grade's name.")
                % {"value": "X", "codes": "AE, PE, SPE"},
            )
        )
    assert problems_of(err) == [expected]


def test_the_import_is_recorded_with_the_staff_member_given(world: World, tmp_path: Path) -> None:
    run(workbook(tmp_path / "members.xlsx", [member(1)]), "--by", world.staff.email)
    registration = Registration.objects.get()
    assert registration.registered_by == world.staff
    assert AuditEvent.objects.get(action="registration.imported").actor == world.staff


def test_the_sample_file_in_the_docs_imports(world: World) -> None:
    sample = Path(__file__).resolve().parents[2] / "docs" / "samples" / "members-import-sample.xlsx"
    out, err = run(sample, "--dry-run")
    assert err == ""
    assert "members-import-sample.xlsx: 8 rows read, 0 blank rows skipped." in out
    assert "Dry run: 8 members would be imported, 0 are already present." in out


def test_a_sheet_formatted_down_to_its_last_row_is_read_to_its_last_value(
    world: World, tmp_path: Path
) -> None:
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    sheet.append(member(1))
    sheet.cell(row=1_048_576, column=1).font = Font(bold=True)
    book.save(tmp_path / "members.xlsx")
    assert sheet.max_row == 1_048_576
    out, _err = run(tmp_path / "members.xlsx")
    assert "1 rows read, 0 blank rows skipped." in out
    assert Registration.objects.count() == 1

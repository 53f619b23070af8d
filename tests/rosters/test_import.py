from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from engcert.accounts.models import User
from engcert.demo import builders
from engcert.privacy.crypto import blind_index
from engcert.rosters.domain.jobs import RosterError, roster_import_start
from engcert.rosters.enums import RosterJobStatus
from engcert.rosters.models import RosterImport, RosterJob, RosterRow
from tests.conftest import World
from tests.rosters.conftest import csv_bytes, row_of, submitted, upload, workbook_bytes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"


def run_import(
    world: World, data: bytes, capture: Any, *, name: str = "名单.xlsx", only_valid: bool = False
) -> RosterJob:
    with capture(execute=True):
        job = roster_import_start(
            batch=world.batch,
            unit=world.unit,
            uploaded=upload(data, name),
            only_valid=only_valid,
            by=world.staff,
        )
    job.refresh_from_db()
    return job


def problems(job: RosterJob) -> list[tuple[int, str, str]]:
    return [(p["row"], f"{p['column']} ({p['letter']})", p["message"]) for p in job.problems]


@pytest.fixture
def two(world: World) -> list[Any]:
    return [submitted(world, index=1), submitted(world, index=2)]


def test_a_clean_workbook_is_imported_with_encrypted_id_numbers(
    world: World, two: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    job = run_import(
        world, workbook_bytes([row_of(two[0], 1), row_of(two[1], 2)]), django_capture_on_commit_callbacks
    )

    assert (job.status, job.problems, job.done, job.total) == (RosterJobStatus.DONE, [], 2, 2)
    rows = list(RosterRow.objects.filter(roster_import__job=job).order_by("row_number"))
    assert [(r.row_number, r.full_name, r.id_number, r.grade, r.discipline) for r in rows] == [
        (3, two[0].full_name, two[0].id_number, two[0].grade, two[0].discipline),
        (4, two[1].full_name, two[1].id_number, two[1].grade, two[1].discipline),
    ]
    assert rows[0].id_number_index == blind_index(two[0].id_number)
    assert rows[0].birth_month == two[0].birth_date.replace(day=1)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select id_number from rosters_rosterrow where id = %s", [rows[0].pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:") and two[0].id_number not in stored


def test_a_row_with_problems_means_nothing_is_imported_and_each_problem_is_named(
    world: World, two: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    bad = row_of(two[1], 2)
    bad[5] = bad[5][:-1] + ("0" if bad[5][-1] != "0" else "1")  # wrong check character
    bad[12] = "总工程师"
    bad[16] = "not-an-email"
    job = run_import(world, workbook_bytes([row_of(two[0], 1), bad]), django_capture_on_commit_callbacks)

    assert job.status == RosterJobStatus.REFUSED
    assert [(row, column) for row, column, _ in problems(job)] == [
        (4, "证件号码 (F)"),
        (4, "申请级别 (M)"),
        (4, "电子邮箱 (Q)"),
    ]
    assert "check" in problems(job)[0][2].lower()
    assert problems(job)[1][2] == "总工程师 is not a grade this batch offers."
    assert RosterImport.objects.count() == 0 and RosterRow.objects.count() == 0


def test_the_valid_rows_alone_are_imported_when_asked(
    world: World, two: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    bad = row_of(two[1], 2)
    bad[12] = "总工程师"
    job = run_import(
        world, workbook_bytes([row_of(two[0], 1), bad]), django_capture_on_commit_callbacks, only_valid=True
    )

    assert job.status == RosterJobStatus.DONE
    imported = RosterImport.objects.get(job=job)
    assert [r.full_name for r in imported.rows.all()] == [two[0].full_name]
    assert imported.rows_skipped == 1
    assert problems(job) == [(4, "申请级别 (M)", "总工程师 is not a grade this batch offers.")]


def test_merged_cells_formulas_and_blank_rows(
    world: World, two: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    third = submitted(world, index=3)
    rows = [row_of(two[0], 1), row_of(two[1], 2), row_of(third, 3)]
    rows[1][6] = None

    def edit(sheet: Any) -> None:
        sheet.insert_rows(5)  # a blank row before the third person
        sheet.merge_cells("G3:G4")
        sheet["P6"] = "=A1&B1"

    job = run_import(world, workbook_bytes(rows, edit=edit), django_capture_on_commit_callbacks)

    assert job.status == RosterJobStatus.REFUSED
    assert problems(job) == [
        (
            3,
            "工作单位 (G)",
            "The cell is merged with others (G3:G4); please unmerge it and fill in each row.",
        ),
        (
            4,
            "工作单位 (G)",
            "The cell is merged with others (G3:G4); please unmerge it and fill in each row.",
        ),
        (
            6,
            "手机 (P)",
            "The cell holds a formula (=A1&B1); please replace it by its value (copy, then paste values only).",
        ),
    ]
    assert RosterRow.objects.count() == 0


def test_dates_as_text_and_serials_and_full_width_id_numbers_are_read(
    world: World, two: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    first, second = row_of(two[0], 1), row_of(two[1], 2)
    birth = two[0].birth_date
    first[3] = f"{birth.year}年{birth.month}月"
    first[5] = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in first[5])  # full-width digits
    serial = (two[1].birth_date - builders.date(1899, 12, 30)).days
    second[3] = serial
    job = run_import(world, workbook_bytes([first, second]), django_capture_on_commit_callbacks)

    assert (job.status, job.problems) == (RosterJobStatus.DONE, [])
    rows = list(RosterRow.objects.order_by("row_number"))
    assert [r.birth_month for r in rows] == [birth.replace(day=1), two[1].birth_date.replace(day=1)]
    assert rows[0].id_number == two[0].id_number


def test_an_id_number_excel_rounded_is_reported(
    world: World, two: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    first = row_of(two[0], 1)
    first[5] = int(first[5][:17] + "0") if first[5][-1] != "X" else 110101198503140000
    job = run_import(world, workbook_bytes([first]), django_capture_on_commit_callbacks)

    assert job.status == RosterJobStatus.REFUSED
    assert problems(job)[0][:2] == (3, "证件号码 (F)")
    assert "Excel rounds" in problems(job)[0][2]


@pytest.mark.parametrize(
    ("encoding", "separator"), [("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","), ("utf-16", "\t")]
)
def test_a_csv_file_in_each_encoding_wps_and_excel_save(
    world: World, two: list[Any], django_capture_on_commit_callbacks: Any, encoding: str, separator: str
) -> None:
    data = csv_bytes([row_of(two[0], 1), row_of(two[1], 2)], encoding=encoding, separator=separator)
    job = run_import(world, data, django_capture_on_commit_callbacks, name="名单.csv")

    assert (job.status, job.problems) == (RosterJobStatus.DONE, [])
    assert [r.full_name for r in RosterRow.objects.order_by("row_number")] == [
        two[0].full_name,
        two[1].full_name,
    ]


def test_a_file_too_large_is_refused_by_its_size_before_reading(world: World) -> None:
    big = SimpleUploadedFile("名单.xlsx", b"", content_type="application/octet-stream")
    big.size = 50 * 1024 * 1024  # what the browser sent; the content is never read

    with pytest.raises(RosterError) as error:
        roster_import_start(
            batch=world.batch, unit=world.unit, uploaded=big, only_valid=False, by=world.staff
        )

    assert str(error.value) == "The file is 50.0 MB; a roster may be at most 10 MB."
    assert RosterJob.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused_by_its_content(world: World) -> None:
    with pytest.raises(RosterError) as error:
        roster_import_start(
            batch=world.batch,
            unit=world.unit,
            uploaded=upload(PDF, "名单.xlsx"),
            only_valid=False,
            by=world.staff,
        )

    assert str(error.value) == (
        "名单.xlsx is not a spreadsheet; please send the roster as an Excel workbook (.xlsx) or as CSV."
    )
    assert RosterJob.objects.count() == 0


def test_a_broken_workbook_and_a_file_without_headers_are_reported_whole(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    broken = run_import(world, b"PK\x03\x04 not really a zip", django_capture_on_commit_callbacks)
    text = run_import(
        world, "随便写的一些文字\n没有表头\n".encode(), django_capture_on_commit_callbacks, name="a.csv"
    )

    assert (broken.status, broken.message) == (
        RosterJobStatus.REFUSED,
        "名单.xlsx is not an Excel workbook (.xlsx) engcert can read; please save the list as an Excel workbook and try again.",
    )
    assert text.status == RosterJobStatus.REFUSED
    assert text.message.startswith("No header row was found in the first 10 rows.")
    assert RosterImport.objects.count() == 0


def test_the_same_person_twice_is_reported(
    world: World, two: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    job = run_import(
        world, workbook_bytes([row_of(two[0], 1), row_of(two[0], 2)]), django_capture_on_commit_callbacks
    )

    assert problems(job) == [(4, "证件号码 (F)", "The same document number is in row 3 already.")]


def test_only_society_staff_may_import(world: World, two: list[Any]) -> None:
    with pytest.raises(RosterError):
        roster_import_start(
            batch=world.batch,
            unit=world.unit,
            uploaded=upload(workbook_bytes([row_of(two[0])])),
            only_valid=False,
            by=world.unit_admin,
        )
    assert RosterJob.objects.count() == 0


def test_problems_are_written_in_the_language_of_the_person_who_imports(
    world: World, two: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.filter(pk=world.staff.pk).update(language="zh-hans")
    world.staff.refresh_from_db()
    row = row_of(two[0])
    row[5] = 110101198503140000  # a number Excel rounded

    job = run_import(world, workbook_bytes([row]), django_capture_on_commit_callbacks)

    assert problems(job) == [
        (
            3,
            "证件号码 (F)",
            "该号码以数字格式存储，Excel 会对其四舍五入；请将该列设置为文本格式，并重新输入号码。",
        )
    ]


def test_birth_dates_as_excel_dates_and_as_full_dates_in_text(
    world: World, two: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    first, second = row_of(two[0], 1), row_of(two[1], 2)
    first[3] = datetime(two[0].birth_date.year, two[0].birth_date.month, 17)
    second[3] = f"{two[1].birth_date.year}年{two[1].birth_date.month}月9日"
    bad = row_of(submitted(world, index=5), 3)
    bad[3] = "八五年三月"

    job = run_import(
        world, workbook_bytes([first, second, bad]), django_capture_on_commit_callbacks, only_valid=True
    )

    assert problems(job) == [
        (5, "出生年月 (D)", "八五年三月 is not a date; write it as 2021-03-01, 2021/3/1 or 2021年3月1日.")
    ]
    assert [r.birth_month for r in RosterRow.objects.order_by("row_number")] == [
        two[0].birth_date.replace(day=1),
        two[1].birth_date.replace(day=1),
    ]

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from engcert.privacy.identity_documents import (
    DocumentType,
    birth_date_from_prc_id,
    gender_from_prc_id,
    mask_document_number,
    normalise_document_number,
    validate_document_number,
)

PROVINCE_CODES = [
    11,
    12,
    13,
    14,
    15,
    21,
    22,
    23,
    *range(31, 38),
    *range(41, 47),
    *range(50, 55),
    *range(61, 66),
]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check_character(first_17: str) -> str:
    """Independent implementation of GB 11643 / ISO 7064 MOD 11-2 for the tests."""
    remainder = sum(int(d) * w for d, w in zip(first_17, WEIGHTS, strict=True)) % 11
    return first_17 + "10X98765432"[remainder]


def error_code(doc_type: str, number: str, **kwargs: object) -> str | None:
    with pytest.raises(ValidationError) as excinfo:
        validate_document_number(doc_type, number, **kwargs)  # type: ignore[arg-type]
    return excinfo.value.code


@st.composite
def prc_ids(draw: st.DrawFn) -> tuple[str, date, str]:
    """A valid PRC resident ID with the birth date and gender it encodes."""
    province = draw(st.sampled_from(PROVINCE_CODES))
    area = draw(st.integers(min_value=0, max_value=9999))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=timezone.localdate()))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first_17 = f"{province:02d}{area:04d}{born:%Y%m%d}{sequence:03d}"
    gender = "M" if sequence % 2 == 1 else "F"
    return with_check_character(first_17), born, gender


def test_the_standard_example_number_is_valid_and_female_born_1949_12_31() -> None:
    validate_document_number(DocumentType.PRC_RESIDENT_ID, "11010519491231002X")

    assert birth_date_from_prc_id("11010519491231002X") == date(1949, 12, 31)
    assert gender_from_prc_id("11010519491231002X") == "F"


@given(prc_ids())
def test_every_well_formed_prc_id_validates_with_its_own_birth_date_and_gender(
    generated: tuple[str, date, str],
) -> None:
    number, born, gender = generated

    validate_document_number(DocumentType.PRC_RESIDENT_ID, number, birth_date=born, gender=gender)

    assert birth_date_from_prc_id(number) == born
    assert gender_from_prc_id(number) == gender


@given(
    prc_ids(),
    st.integers(min_value=0, max_value=16),
    st.integers(min_value=1, max_value=9),
)
def test_changing_any_single_digit_breaks_the_check_character(
    generated: tuple[str, date, str], position: int, shift: int
) -> None:
    number = generated[0]
    changed_digit = str((int(number[position]) + shift) % 10)
    altered = number[:position] + changed_digit + number[position + 1 :]

    assert error_code(DocumentType.PRC_RESIDENT_ID, altered) == "invalid_check_character"


@given(prc_ids(), st.sampled_from("0123456789X"))
def test_a_wrong_check_character_is_rejected(generated: tuple[str, date, str], replacement: str) -> None:
    number = generated[0]
    if replacement == number[17]:
        return
    altered = number[:17] + replacement

    assert error_code(DocumentType.PRC_RESIDENT_ID, altered) == "invalid_check_character"


@given(prc_ids(), st.integers(min_value=1, max_value=20000))
def test_a_different_birth_date_is_rejected_as_a_mismatch(
    generated: tuple[str, date, str], days: int
) -> None:
    number, born, _gender = generated

    code = error_code(DocumentType.PRC_RESIDENT_ID, number, birth_date=born - timedelta(days=days))

    assert code == "birth_date_mismatch"


@given(prc_ids())
def test_the_other_gender_is_rejected_as_a_mismatch(
    generated: tuple[str, date, str],
) -> None:
    number, _born, gender = generated
    other = "F" if gender == "M" else "M"

    assert error_code(DocumentType.PRC_RESIDENT_ID, number, gender=other) == "gender_mismatch"


@given(st.integers(min_value=1, max_value=3000), st.integers(min_value=0, max_value=999))
def test_a_birth_date_in_the_future_is_rejected(days_ahead: int, sequence: int) -> None:
    future = timezone.localdate() + timedelta(days=days_ahead)
    number = with_check_character(f"110105{future:%Y%m%d}{sequence:03d}")

    assert error_code(DocumentType.PRC_RESIDENT_ID, number) == "birth_date_in_future"


def test_a_birth_date_before_1900_is_rejected() -> None:
    number = with_check_character("11010518991231001")

    assert error_code(DocumentType.PRC_RESIDENT_ID, number) == "birth_date_too_early"


def test_a_birth_date_that_does_not_exist_is_rejected() -> None:
    number = with_check_character("11010519990230001")

    assert error_code(DocumentType.PRC_RESIDENT_ID, number) == "invalid_birth_date"


def test_an_unknown_region_code_is_rejected() -> None:
    number = with_check_character("99010519491231002")

    assert error_code(DocumentType.PRC_RESIDENT_ID, number) == "invalid_region"


def test_a_wrong_length_or_letters_inside_a_prc_id_are_rejected() -> None:
    assert error_code(DocumentType.PRC_RESIDENT_ID, "11010519491231002") == "invalid_length"
    assert error_code(DocumentType.PRC_RESIDENT_ID, "1101051949123100AX") == "invalid_format"
    assert error_code(DocumentType.PRC_RESIDENT_ID, "") == "required"


def test_full_width_digits_spaces_and_lower_case_x_are_normalised() -> None:
    raw = " １１０１０５ 1949 1231 002x "

    assert normalise_document_number(DocumentType.PRC_RESIDENT_ID, raw) == "11010519491231002X"
    validate_document_number(DocumentType.PRC_RESIDENT_ID, raw)


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_a_residence_permit_number_is_valid_only_under_its_own_type(
    prefix: str,
) -> None:
    number = with_check_character(f"{prefix}19800101001")

    validate_document_number(DocumentType.HKMT_RESIDENCE, number, birth_date=date(1980, 1, 1), gender="M")
    assert error_code(DocumentType.PRC_RESIDENT_ID, number) == "residence_permit_number"


def test_a_residence_permit_with_a_mainland_prefix_is_rejected() -> None:
    assert error_code(DocumentType.HKMT_RESIDENCE, "11010519491231002X") == "invalid_region"


@pytest.mark.parametrize("number", ["H12345678", "M12345678", "H1234567890", "m 1234 5678"])
def test_hong_kong_and_macao_permit_numbers_are_accepted(number: str) -> None:
    validate_document_number(DocumentType.HK_MACAO_PERMIT, number)


@pytest.mark.parametrize(
    "number",
    ["12345678", "H1234567", "H123456789", "C12345678", "H12345678901", "HK1234567"],
)
def test_malformed_hong_kong_and_macao_permit_numbers_are_rejected(number: str) -> None:
    assert error_code(DocumentType.HK_MACAO_PERMIT, number) == "invalid_format"


def test_a_taiwan_permit_number_of_8_digits_is_accepted() -> None:
    validate_document_number(DocumentType.TAIWAN_PERMIT, "12345678")


@pytest.mark.parametrize("number", ["1234567", "123456789", "T1234567", "1234567A"])
def test_malformed_taiwan_permit_numbers_are_rejected(number: str) -> None:
    assert error_code(DocumentType.TAIWAN_PERMIT, number) == "invalid_format"


@pytest.mark.parametrize("number", ["E12345678", "G12345678", "EA1234567", "C01X00T47", "12345"])
def test_passport_numbers_of_letters_and_digits_are_accepted(number: str) -> None:
    validate_document_number(DocumentType.PASSPORT, number)


@pytest.mark.parametrize("number", ["E123", "E1234-5678", "E12345678901234567890X", "护照12345"])
def test_malformed_passport_numbers_are_rejected(number: str) -> None:
    assert error_code(DocumentType.PASSPORT, number) == "invalid_format"


def test_foreign_permanent_resident_numbers_of_both_generations_are_accepted() -> None:
    validate_document_number(DocumentType.FOREIGN_PERMANENT, "USA110080011234")
    validate_document_number(DocumentType.FOREIGN_PERMANENT, with_check_character("93184019800101001"))


def test_a_foreign_permanent_resident_number_with_a_wrong_check_character_is_rejected() -> None:
    valid = with_check_character("93184019800101001")
    wrong = valid[:17] + ("0" if valid[17] != "0" else "1")

    assert error_code(DocumentType.FOREIGN_PERMANENT, wrong) == "invalid_check_character"
    assert error_code(DocumentType.FOREIGN_PERMANENT, "US110080011234") == "invalid_format"


def test_an_unknown_document_type_is_rejected() -> None:
    assert error_code("driving_licence", "12345678") == "invalid_document_type"


def test_an_18_character_id_keeps_its_first_4_and_last_4_characters() -> None:
    assert mask_document_number("11010519491231002X") == "1101**********002X"


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("", ""),
        ("A", "*"),
        ("AB", "*B"),
        ("12345678", "12****78"),
        ("H12345678", "H1*****78"),
        ("H1234567890", "H1******890"),
    ],
)
def test_short_numbers_are_masked_in_the_middle(number: str, masked: str) -> None:
    assert mask_document_number(number) == masked


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="*"), max_size=40))
def test_masking_keeps_the_length_and_reveals_at_most_half(number: str) -> None:
    masked = mask_document_number(number)
    revealed = [(position, char) for position, char in enumerate(masked) if char != "*"]

    assert len(masked) == len(number)
    assert len(revealed) <= len(number) // 2
    assert [number[position] for position, _char in revealed] == [char for _pos, char in revealed]

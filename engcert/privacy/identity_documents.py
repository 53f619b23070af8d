"""Identity documents applicants use in China: types, normalisation, validation, masking.

Pure functions with no database access, so forms, API schemas, imports and management
commands all validate a document number the same way.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    PRC_RESIDENT_ID = "prc_id", _("PRC resident identity card")
    HK_MACAO_PERMIT = (
        "hkm_permit",
        _("Mainland travel permit for Hong Kong and Macao residents"),
    )
    TAIWAN_PERMIT = "tw_permit", _("Mainland travel permit for Taiwan residents")
    HKMT_RESIDENCE = (
        "hkmt_residence",
        _("Residence permit for Hong Kong, Macao and Taiwan residents"),
    )
    PASSPORT = "passport", _("Passport")
    FOREIGN_PERMANENT = "foreign_pr", _("Foreign permanent resident ID card")


# Document types whose number follows GB 11643 (region, birth date, sequence, check character).
GB11643_TYPES = frozenset({DocumentType.PRC_RESIDENT_ID, DocumentType.HKMT_RESIDENCE})

MALE = "M"
FEMALE = "F"

_CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"

# First two digits of a mainland resident ID: the province-level divisions of GB/T 2260,
# plus 71 (Taiwan), which GB/T 2260 lists and older cards may carry.
PRC_PROVINCE_CODES = frozenset(
    {
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
    }
)
# Residence permits for Hong Kong, Macao and Taiwan residents use these six-digit prefixes.
HKMT_RESIDENCE_PREFIXES = frozenset({"810000", "820000", "830000"})

EARLIEST_BIRTH_DATE = date(1900, 1, 1)

_GB11643_RE = re.compile(r"[0-9]{17}[0-9X]")
_HK_MACAO_RE = re.compile(r"[HM](?:[0-9]{8}|[0-9]{10})")
_TAIWAN_RE = re.compile(r"[0-9]{8}")
_PASSPORT_RE = re.compile(r"[A-Z0-9]{5,20}")
# Foreign permanent resident ID: 2017 card (3-letter nationality + 12 digits) or the
# 2023 card (18 characters starting with 9, GB 11643 check character).
_FOREIGN_OLD_RE = re.compile(r"[A-Z]{3}[0-9]{12}")
_FOREIGN_NEW_RE = re.compile(r"9[0-9]{16}[0-9X]")


def normalise_document_number(doc_type: DocumentType | str, raw: str) -> str:
    """Canonical form of a document number as typed by a person.

    Full-width characters become half-width (NFKC), all whitespace (including the
    ideographic space) is removed and letters are upper-cased. The same rules apply
    to every document type today; `doc_type` is taken so that can change in one place.
    """
    del doc_type  # same rules for every type, see docstring
    half_width = unicodedata.normalize("NFKC", raw)
    return "".join(half_width.split()).upper()


def gb11643_check_character(first_17_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits of a GB 11643 number."""
    if len(first_17_digits) != 17 or not first_17_digits.isascii() or not first_17_digits.isdigit():
        raise ValueError("expected exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first_17_digits, _CHECK_WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def birth_date_from_prc_id(number: str) -> date:
    """Birth date encoded in positions 7–14 of an 18-character GB 11643 number.

    Raises ValueError when the number is too short or the date does not exist.
    """
    normalised = normalise_document_number(DocumentType.PRC_RESIDENT_ID, number)
    digits = normalised[6:14]
    if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
        raise ValueError("no birth date in positions 7-14")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def gender_from_prc_id(number: str) -> str:
    """ "M" when the 17th digit is odd, "F" when even (GB 11643)."""
    normalised = normalise_document_number(DocumentType.PRC_RESIDENT_ID, number)
    if len(normalised) < 17 or not normalised[16].isascii() or not normalised[16].isdigit():
        raise ValueError("no sequence digit in position 17")
    return MALE if int(normalised[16]) % 2 == 1 else FEMALE


def validate_document_number(
    doc_type: DocumentType | str,
    number: str,
    *,
    birth_date: date | None = None,
    gender: str | None = None,
) -> None:
    """Raise ValidationError (with a specific message and code) unless `number` is valid.

    `number` is normalised first, so raw user input may be passed. For GB 11643 numbers
    (resident ID, HKMT residence permit) `birth_date` and `gender` ("M"/"F"), when given,
    must agree with what the number encodes.
    """
    if doc_type not in DocumentType.values:
        raise ValidationError(_("Unknown identity document type."), code="invalid_document_type")
    normalised = normalise_document_number(doc_type, number)
    if not normalised:
        raise ValidationError(_("Enter the document number."), code="required")

    if doc_type == DocumentType.PRC_RESIDENT_ID:
        _validate_prc_resident_id(normalised)
    elif doc_type == DocumentType.HKMT_RESIDENCE:
        _validate_hkmt_residence_permit(normalised)
    elif doc_type == DocumentType.HK_MACAO_PERMIT:
        if not _HK_MACAO_RE.fullmatch(normalised):
            raise ValidationError(
                _(
                    "A Hong Kong and Macao residents' travel permit number is H or M "
                    "followed by 8 or 10 digits."
                ),
                code="invalid_format",
            )
    elif doc_type == DocumentType.TAIWAN_PERMIT:
        if not _TAIWAN_RE.fullmatch(normalised):
            raise ValidationError(
                _("A Taiwan residents' travel permit number is 8 digits."),
                code="invalid_format",
            )
    elif doc_type == DocumentType.PASSPORT:
        if not _PASSPORT_RE.fullmatch(normalised):
            raise ValidationError(
                _("A passport number is 5 to 20 letters and digits."),
                code="invalid_format",
            )
    elif doc_type == DocumentType.FOREIGN_PERMANENT:
        _validate_foreign_permanent_resident_id(normalised)

    if doc_type in GB11643_TYPES:
        _check_birth_date_and_gender(normalised, birth_date=birth_date, gender=gender)


def mask_document_number(number: str) -> str:
    """Replace the middle of a number with "*", revealing at most half of its characters.

    An 18-character ID keeps its first 4 and last 4 ("1101**********1234"); shorter
    numbers keep 1–2 leading and 1–4 trailing characters. The length is preserved.
    """
    length = len(number)
    reveal_budget = length // 2
    tail = min(4, (reveal_budget + 1) // 2)
    head = min(4 if length >= 18 else 2, reveal_budget - tail)
    return number[:head] + "*" * (length - head - tail) + number[length - tail :]


def _today() -> date:
    return timezone.localdate() if settings.USE_TZ else date.today()


def _check_gb11643_shape(normalised: str) -> None:
    if len(normalised) != 18:
        raise ValidationError(_("An identity card number has 18 characters."), code="invalid_length")
    if not _GB11643_RE.fullmatch(normalised):
        raise ValidationError(
            _("An identity card number is 17 digits followed by a digit or X."),
            code="invalid_format",
        )
    if gb11643_check_character(normalised[:17]) != normalised[17]:
        raise ValidationError(
            _("The identity card number's check character is wrong; please check for typos."),
            code="invalid_check_character",
        )
    _check_encoded_birth_date(normalised)


def _check_encoded_birth_date(normalised: str) -> None:
    try:
        encoded = birth_date_from_prc_id(normalised)
    except ValueError:
        raise ValidationError(
            _("The birth date in the identity card number does not exist."),
            code="invalid_birth_date",
        ) from None
    if encoded > _today():
        raise ValidationError(
            _("The birth date in the identity card number is in the future."),
            code="birth_date_in_future",
        )
    if encoded < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The birth date in the identity card number is before 1900."),
            code="birth_date_too_early",
        )


def _validate_prc_resident_id(normalised: str) -> None:
    _check_gb11643_shape(normalised)
    if normalised[:6] in HKMT_RESIDENCE_PREFIXES:
        raise ValidationError(
            _(
                "This is a residence permit number for Hong Kong, Macao or Taiwan "
                "residents; choose that document type."
            ),
            code="residence_permit_number",
        )
    if int(normalised[:2]) not in PRC_PROVINCE_CODES:
        raise ValidationError(
            _("The identity card number does not start with a valid region code."),
            code="invalid_region",
        )


def _validate_hkmt_residence_permit(normalised: str) -> None:
    _check_gb11643_shape(normalised)
    if normalised[:6] not in HKMT_RESIDENCE_PREFIXES:
        raise ValidationError(
            _("A residence permit number starts with 810000, 820000 or 830000."),
            code="invalid_region",
        )


def _validate_foreign_permanent_resident_id(normalised: str) -> None:
    if _FOREIGN_OLD_RE.fullmatch(normalised):
        return
    if _FOREIGN_NEW_RE.fullmatch(normalised):
        if gb11643_check_character(normalised[:17]) != normalised[17]:
            raise ValidationError(
                _("The permanent resident ID number's check character is wrong."),
                code="invalid_check_character",
            )
        return
    raise ValidationError(
        _(
            "A foreign permanent resident ID number is 3 letters and 12 digits, "
            "or 18 characters starting with 9."
        ),
        code="invalid_format",
    )


def _check_birth_date_and_gender(normalised: str, *, birth_date: date | None, gender: str | None) -> None:
    if birth_date is not None and birth_date_from_prc_id(normalised) != birth_date:
        raise ValidationError(
            _("The identity card number does not match the date of birth given."),
            code="birth_date_mismatch",
        )
    if gender is not None and gender_from_prc_id(normalised) != gender.upper():
        raise ValidationError(
            _("The identity card number does not match the gender given."),
            code="gender_mismatch",
        )

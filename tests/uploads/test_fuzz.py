"""Whatever bytes arrive, the check either takes the file or refuses it with a message for the
person: never a crash. Random bytes, and real PDFs, PNGs and JPEGs with bytes changed, cut or
inserted, so the parsers meet files that are almost right."""

from __future__ import annotations

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engcert.uploads.domain import upload_check
from engcert.uploads.errors import UploadRefused
from engcert.uploads.kinds import FileKind, file_kind_sniff
from tests.uploads import files

pytestmark = pytest.mark.usefixtures("english")

SEEDS = {
    "pdf": files.clean_pdf(),
    "pdf-with-javascript": files.pdf_with_javascript(),
    "png": files.image_bytes("PNG", size=(24, 16)),
    "jpeg": files.image_bytes("JPEG", size=(24, 16), exif=files.gps_exif(orientation=3)),
}


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(SEEDS[draw(st.sampled_from(sorted(SEEDS)))])
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        operation = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        at = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if operation == "flip" and data:
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif operation == "cut":
            del data[at : at + draw(st.integers(min_value=1, max_value=64))]
        elif operation == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            del data[max(at, 8) :]
    return bytes(data)


def accepted_or_refused(data: bytes) -> None:
    try:
        checked = upload_check(uploaded=files.upload("f.bin", data))
    except UploadRefused as refusal:
        assert str(refusal) and refusal.code
        return
    # Taken: what is stored is of the kind its first bytes say, and a PDF is kept as it came.
    assert file_kind_sniff(checked.data[:16]) == checked.kind
    if checked.kind == FileKind.PDF:
        assert checked.data == data


@override_settings(ENGCERT_MAX_IMAGE_PIXELS=4_000_000)
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=2048),
        st.sampled_from([b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"]).flatmap(
            lambda head: st.binary(max_size=512).map(lambda rest: head + rest)
        ),
    )
)
def test_random_bytes_are_taken_or_refused_never_a_crash(data: bytes) -> None:
    accepted_or_refused(data)


@override_settings(ENGCERT_MAX_IMAGE_PIXELS=4_000_000)
@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=mutated())
def test_mutated_real_files_are_taken_or_refused_never_a_crash(data: bytes) -> None:
    accepted_or_refused(data)

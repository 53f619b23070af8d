"""Images are decoded and drawn again into a fresh file of the same type: whatever else the
received file carried (EXIF with the place a photo was taken, comments, XMP, bytes appended
after the image such as a ZIP or a script) is not in the file stored."""

from __future__ import annotations

import io
import logging
import warnings
from typing import Any

from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from engcert.uploads.errors import UploadRefused
from engcert.uploads.kinds import FileKind

logger = logging.getLogger(__name__)

_PIL_FORMATS = {FileKind.JPEG: "JPEG", FileKind.PNG: "PNG"}
_MODES = {
    FileKind.JPEG: ("L", "RGB", "CMYK"),
    FileKind.PNG: ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"),
}
# What of the received image's information is kept: its transparency and its resolution (a
# scan's dpi gives its printed size). Everything else (exif, xmp, comments, text) is dropped.
_KEPT_INFO = ("transparency", "dpi")


def _too_many_pixels(max_pixels: int) -> UploadRefused:
    limit = max_pixels / 1_000_000
    return UploadRefused(
        _(
            "This image has more than %(limit)s million pixels, too many to be read safely; scan or save "
            "it at a lower resolution and upload it again."
        )
        % {"limit": int(limit) if limit == int(limit) else round(limit, 1)},
        code="image_too_large",
    )


def _damaged() -> UploadRefused:
    return UploadRefused(
        _("This image is damaged or incomplete and cannot be read; save it again and upload it again."),
        code="image_damaged",
    )


def _encode(image: Image.Image, *, kind: FileKind, source: Image.Image) -> bytes:
    icc_profile = source.info.get("icc_profile")
    options: dict[str, Any] = {}
    if isinstance(icc_profile, bytes):
        options["icc_profile"] = icc_profile
    if kind == FileKind.JPEG:
        # The received file's quantisation tables, so re-encoding costs as little quality as it can.
        tables = getattr(source, "quantization", None)
        options.update({"qtables": tables} if tables else {"quality": 90})
    out = io.BytesIO()
    try:
        image.save(out, format=_PIL_FORMATS[kind], **options)
    except (ValueError, OSError):
        options.pop("qtables", None)
        options["quality"] = 90
        out = io.BytesIO()
        image.save(out, format=_PIL_FORMATS[kind], **options)
    return out.getvalue()


def _assert_whole(data: bytes, kind: FileKind) -> None:
    """A PNG's chunks are read to its end and their checksums checked, whatever Pillow was told
    about cut-off images elsewhere in the process."""
    if kind == FileKind.PNG:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.verify()


def image_reencode(*, data: bytes, kind: FileKind, max_pixels: int) -> bytes:
    """The image drawn again, upright (its EXIF orientation applied), with nothing but pixels,
    colour profile, transparency and resolution; refuses one too large to decode safely or
    that cannot be decoded whole."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]]) as source:
                width, height = source.size
                # Checked from the header, before a single pixel is decoded.
                if width * height > max_pixels:
                    raise _too_many_pixels(max_pixels)
                _assert_whole(data, kind)
                source.load()
                # WeasyPrint (the certificates' PDFs) tells Pillow, for the whole process, to
                # decode a cut-off image as far as it goes; a JPEG decoded so says it "ended" early.
                if getattr(source, "_ended", False):
                    raise _damaged()
                upright = ImageOps.exif_transpose(source)
                if upright.mode not in _MODES[kind]:
                    upright = upright.convert("RGBA" if kind == FileKind.PNG else "RGB")
                clean = upright.copy()
                clean.info = {key: source.info[key] for key in _KEPT_INFO if key in source.info}
                return _encode(clean, kind=kind, source=source)
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        logger.info("An uploaded image was refused as a decompression bomb: %s", error)
        raise _too_many_pixels(max_pixels) from error
    except Exception as error:  # whatever a damaged or hostile file makes the decoder raise
        logger.info("An uploaded image could not be decoded: %r", error)
        raise _damaged() from error

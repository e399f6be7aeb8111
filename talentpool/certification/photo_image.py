"""The holder's photo as the certificate prints it: checked, then re-encoded as a clean JPEG.

Pillow only, no Flask. An upload is accepted when it is a JPEG or PNG file (by its content, not
its name or declared type) of at most ``MAX_BYTES``, at most ``MAX_PIXELS`` pixels (a small file
can declare a huge canvas: pixel flood) and at least ``MIN_SIDE`` pixels on its shorter side.
What is stored is a new JPEG: the EXIF orientation applied, transparency flattened onto white,
cropped about the centre to the 2-inch ID-photo ratio and resized to ``WIDTH`` × ``HEIGHT``
(358 × 441 px, the usual 二寸 size of exam registration photos, width:height ≈ 0.81), saved
without EXIF, XMP, ICC profile or comments, so no camera, place or time leaves with it.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

WIDTH, HEIGHT = 358, 441
MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 24_000_000  # a 6000 × 4000 camera picture; a PNG canvas beyond is refused unread
MIN_SIDE = 200
QUALITY = 90
ACCEPTED_FORMATS = ("JPEG", "PNG")

# Problems ``prepare_photo`` reports; the service translates them.
EMPTY, TOO_LARGE, NOT_IMAGE, WRONG_TYPE, TOO_MANY_PIXELS, TOO_SMALL = (
    "empty", "too_large", "not_image", "wrong_type", "too_many_pixels", "too_small")


class PhotoProblem(ValueError):
    """The upload cannot be used; ``code`` is one of the problem constants above."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _open(data: bytes) -> Image.Image:
    """The image, opened (header only) with Pillow's decompression-bomb warning as an error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise PhotoProblem(TOO_MANY_PIXELS) from error
    except UnidentifiedImageError as error:
        try:  # tell "another kind of picture" from "not a picture at all"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                Image.open(io.BytesIO(data)).close()
        except Exception:  # noqa: BLE001  (anything Pillow cannot read is simply not an image)
            raise PhotoProblem(NOT_IMAGE) from error
        raise PhotoProblem(WRONG_TYPE) from error
    except (OSError, ValueError, SyntaxError) as error:  # a header cut short or corrupt
        raise PhotoProblem(NOT_IMAGE) from error


def _flattened(image: Image.Image) -> Image.Image:
    """RGB; transparent parts become white, as on a printed photo's background."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def prepare_photo(data: bytes) -> bytes:
    """The upload re-encoded as a ``WIDTH`` × ``HEIGHT`` JPEG without metadata; raises
    ``PhotoProblem`` for anything that is not a usable JPEG or PNG photo."""
    if not data:
        raise PhotoProblem(EMPTY)
    if len(data) > MAX_BYTES:
        raise PhotoProblem(TOO_LARGE)
    image = _open(data)
    with image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise PhotoProblem(TOO_MANY_PIXELS)
        if min(width, height) < MIN_SIDE:
            raise PhotoProblem(TOO_SMALL)
        if image.format == "JPEG":  # decode at a reduced scale when that is still big enough
            image.draft("RGB", (WIDTH * 2, HEIGHT * 2))
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
        except (OSError, ValueError, SyntaxError) as error:  # truncated or corrupt data
            raise PhotoProblem(NOT_IMAGE) from error
        fitted = ImageOps.fit(_flattened(upright), (WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    # Only the pixels travel on: a new image has no info (Pillow would write a source comment).
    clean = Image.frombytes("RGB", fitted.size, fitted.tobytes())
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()

"""Sample items the browser tests need beyond tests/scoring/examples.py."""

from __future__ import annotations

from tests.scoring.examples import Item

OCR_IMAGE = "exams/ocr/assets/sign-001.svg"


def make_ocr_transcription() -> Item:
    """Transcription of the text in an image (media_type image)."""
    spec = {"media": OCR_IMAGE, "language": "en", "media_type": "image"}
    return spec, {"text": "Data annotation, done right."}

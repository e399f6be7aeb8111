"""The holder's photo: uploaded by the holder, approved or refused by a reviewer, printed on the
certificate only once approved, shown to nobody else and never on public pages."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from talentpool.auth import Role
from talentpool.certification import photo_image
from tests.certification.conftest import use_english
from tests.conftest import PASSWORD, csrf_from

RED, BLUE = (220, 20, 20), (20, 20, 220)


def make_photo(size=(600, 800), fmt="JPEG", colour=(180, 200, 220), **save) -> bytes:
    """A picture with a face-like oval, encoded as ``fmt``."""
    mode = "RGBA" if fmt == "PNG" and len(colour) == 4 else "RGB"
    image = Image.new(mode, size, colour)
    width, height = size
    ImageDraw.Draw(image).ellipse((width // 4, height // 5, 3 * width // 4, 3 * height // 5),
                                  fill=(230, 190, 160) + ((255,) if mode == "RGBA" else ()))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def make_tagged_photo(orientation: int = 6) -> bytes:
    """A landscape JPEG, left half red and right half blue, whose EXIF says to turn it upright
    (6: rotate 90° clockwise) and names a camera and a place."""
    image = Image.new("RGB", (800, 600), BLUE)
    ImageDraw.Draw(image).rectangle((0, 0, 399, 599), fill=RED)
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[0x0132] = "2026:11:30 08:15:00"  # DateTime
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


def pixel_flood_png() -> bytes:
    """A tiny file declaring a 6000 × 6000 canvas (36 megapixels)."""
    out = io.BytesIO()
    Image.new("1", (6000, 6000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def too_large_jpeg() -> bytes:
    """A real JPEG padded past 2 MB with a comment-sized tail."""
    return make_photo() + b"\0" * (photo_image.MAX_BYTES + 1)


BAD_FILES = {
    "not an image": (b"%PDF-1.7 this is not a picture", "not a picture that can be read"),
    "truncated jpeg": (make_photo()[:600], "not a picture that can be read"),
    "gif": (make_photo(fmt="GIF"), "as a JPEG or PNG file"),
    "webp": (make_photo(fmt="WEBP"), "as a JPEG or PNG file"),
    "too small": (make_photo((150, 400)), "at least 200 pixels"),
    "pixel flood": (pixel_flood_png(), "too many pixels"),
    "too large": (too_large_jpeg(), "larger than 2 MB"),
}


# --- the re-encoding, with Pillow --------------------------------------------------------------

def test_the_stored_photo_is_upright_cropped_and_without_metadata():
    stored = photo_image.prepare_photo(make_tagged_photo())
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (photo_image.WIDTH, photo_image.HEIGHT)
    assert len(image.getexif()) == 0
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    assert b"PhoneMaker" not in stored and b"taken at home" not in stored
    # Turned upright: the red left half of the landscape original is now on top.
    top, bottom = image.getpixel((179, 20)), image.getpixel((179, 420))
    assert top[0] > 180 > top[2] and bottom[2] > 180 > bottom[0]


def test_a_transparent_png_gets_a_white_background():
    stored = photo_image.prepare_photo(make_photo((400, 500), "PNG", colour=(0, 0, 0, 0)))
    image = Image.open(io.BytesIO(stored))
    assert image.mode == "RGB" and min(image.getpixel((3, 3))) > 245


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_are_refused_by_name(name):
    codes = {"not an image": "not_image", "truncated jpeg": "not_image", "gif": "wrong_type",
             "webp": "wrong_type", "too small": "too_small", "pixel flood": "too_many_pixels",
             "too large": "too_large"}
    with pytest.raises(photo_image.PhotoProblem) as refused:
        photo_image.prepare_photo(BAD_FILES[name][0])
    assert refused.value.code == codes[name]


def test_a_canvas_beyond_pillows_own_limit_is_refused_not_warned_about():
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG", optimize=True)  # 100 megapixels
    assert len(out.getvalue()) < photo_image.MAX_BYTES
    with pytest.raises(photo_image.PhotoProblem) as refused:
        photo_image.prepare_photo(out.getvalue())
    assert refused.value.code == "too_many_pixels"


# --- helpers through the test client -------------------------------------------------------------

def upload(client, data: bytes, filename: str = "me.jpg"):
    """Post the photo form; the body is encoded in memory (the test client would otherwise
    spool a large body to a temporary file it never closes)."""
    token = csrf_from(client.get("/certificates/photo").get_data(as_text=True))
    boundary, body = encode_multipart({"photo": FileStorage(io.BytesIO(data), filename),
                                       "csrf_token": token})
    return client.post("/certificates/photo", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def photo_urls(html: str) -> dict[str, str]:
    """The photo addresses on the holder's page, by state."""
    return dict(re.findall(r'data-photo-state="(\w+)">\s*<img src="([^"]+)"', html))


def queued(client) -> list[str]:
    return re.findall(r'data-photo="([^"]+)"', client.get("/admin/photos").get_data(as_text=True))


def decide(client, public_id: str, action: str, reason: str | None = None):
    token = csrf_from(client.get("/admin/photos").get_data(as_text=True))
    data = {"csrf_token": token, **({"reason": reason} if reason is not None else {})}
    return client.post(f"/admin/photos/{public_id}/{action}", data=data)


def pdf_images(client, serial: str) -> list[bytes]:
    response = client.get(f"/certificates/{serial}.pdf")
    assert response.status_code == 200
    return [image.data for image in PdfReader(io.BytesIO(response.data)).pages[0].images]


def stored_photos(app) -> list[tuple[int, str]]:
    from sqlalchemy import select

    from talentpool.certification.models import HolderPhoto
    from talentpool.extensions import db

    with app.app_context():
        return [(row.user_id, row.state.value) for row in db.session.scalars(select(HolderPhoto))]


@pytest.fixture
def reviewer(app, make_user):
    """A second client, signed in as an administrator."""
    from tests.conftest import AuthActions

    other = app.test_client()
    AuthActions(other).login(make_user(Role.ADMIN))
    use_english(other)
    return other


# --- flows ------------------------------------------------------------------------------------

def test_upload_approve_and_print(app, client, auth, make_certificate, reviewer):
    issued = make_certificate(name="王小明")
    auth.login(issued.email)
    use_english(client)
    assert pdf_images(client, issued.serial) == []  # the empty, labelled box only
    pdf = PdfReader(io.BytesIO(client.get(f"/certificates/{issued.serial}.pdf").data))
    assert "照片" in pdf.pages[0].extract_text() and "Photo" in pdf.pages[0].extract_text()

    assert upload(client, make_tagged_photo()).status_code == 302
    urls = photo_urls(client.get("/certificates/photo").get_data(as_text=True))
    assert list(urls) == ["pending"]
    image = client.get(urls["pending"])
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.headers["Cache-Control"] == "private, no-store"
    assert Image.open(io.BytesIO(image.data)).size == (358, 441)
    assert pdf_images(client, issued.serial) == []  # not printed before approval

    [waiting] = queued(reviewer)
    assert reviewer.get(f"/certificates/photos/{waiting}.jpg").data == image.data
    assert decide(reviewer, waiting, "approve").status_code == 302
    assert queued(reviewer) == []
    [printed] = pdf_images(client, issued.serial)
    assert Image.open(io.BytesIO(printed)).size == (358, 441)
    assert "Approved" in client.get("/certificates/photo").get_data(as_text=True)

    with app.app_context():
        from sqlalchemy import select

        from talentpool.accounts.models import User
        from talentpool.certification.photos import photos_of
        from talentpool.extensions import db

        [photo] = photos_of(issued.user_id).values()
        [admin_id] = db.session.scalars(select(User.id).where(User.role == Role.ADMIN))
        assert photo.decided_by_id == admin_id and photo.decided_at >= photo.uploaded_at


def test_a_new_upload_waits_while_the_approved_photo_keeps_printing(app, client, auth,
                                                                   make_certificate, reviewer):
    issued = make_certificate()
    auth.login(issued.email)
    use_english(client)
    upload(client, make_photo(colour=(200, 40, 40)))
    decide(reviewer, queued(reviewer)[0], "approve")
    [first] = pdf_images(client, issued.serial)

    upload(client, make_photo(colour=(40, 200, 40)))
    urls = photo_urls(client.get("/certificates/photo").get_data(as_text=True))
    assert set(urls) == {"approved", "pending"}
    assert pdf_images(client, issued.serial) == [first]

    # A second upload replaces the waiting one: its address is gone, one photo waits.
    upload(client, make_photo(colour=(40, 40, 200), fmt="PNG"), "me.png")
    assert client.get(urls["pending"]).status_code == 404
    assert sorted(state for _, state in stored_photos(app)) == ["approved", "pending"]

    refused = decide(reviewer, queued(reviewer)[0], "reject", "Your face is not visible.")
    assert refused.status_code == 302
    page = client.get("/certificates/photo").get_data(as_text=True)
    assert "Your face is not visible." in page and set(photo_urls(page)) == {"approved", "rejected"}
    assert pdf_images(client, issued.serial) == [first]

    upload(client, make_photo(colour=(240, 240, 40)))
    assert sorted(state for _, state in stored_photos(app)) == ["approved", "pending"]
    decide(reviewer, queued(reviewer)[0], "approve")
    [second] = pdf_images(client, issued.serial)
    assert second != first and [state for _, state in stored_photos(app)] == ["approved"]


def test_a_refusal_needs_a_reason_and_a_decided_photo_cannot_be_decided_again(
        app, client, auth, make_certificate, reviewer):
    issued = make_certificate()
    auth.login(issued.email)
    upload(client, make_photo())
    [waiting] = queued(reviewer)
    decide(reviewer, waiting, "reject", "   ")
    assert [state for _, state in stored_photos(app)] == ["pending"]
    decide(reviewer, waiting, "approve")
    again = decide(reviewer, waiting, "reject", "Too dark.")
    assert again.status_code == 302
    assert "no longer waiting" in reviewer.get("/admin/photos").get_data(as_text=True)
    assert [state for _, state in stored_photos(app)] == ["approved"]


# --- who sees what ---------------------------------------------------------------------------

def test_only_the_holder_and_reviewers_see_a_photo(app, client, auth, make_certificate,
                                                   make_user, reviewer):
    issued = make_certificate()
    auth.login(issued.email)
    upload(client, make_photo())
    url = photo_urls(client.get("/certificates/photo").get_data(as_text=True))["pending"]
    public_id = url.rsplit("/", 1)[1].removesuffix(".jpg")

    stranger = app.test_client()
    assert stranger.get(url).status_code == 302  # to the sign-in page, no image
    other = make_certificate()
    from tests.conftest import AuthActions

    for role_email in (other.email, make_user(Role.EMPLOYER), make_user(Role.INSTITUTION_STAFF)):
        someone = app.test_client()
        AuthActions(someone).login(role_email)
        assert someone.get(url).status_code == 404
        assert someone.get("/admin/photos").status_code == 403
        token = csrf_from(someone.get("/home").get_data(as_text=True))
        assert someone.post(f"/admin/photos/{public_id}/approve",
                            data={"csrf_token": token}).status_code == 403
    assert [state for _, state in stored_photos(app)] == ["pending"]
    assert reviewer.get(url).status_code == 200

    decide(reviewer, public_id, "approve")
    for page in (f"/verify/{issued.serial}", f"/api/v1/certificates/{issued.serial}",
                 f"/api/v1/certificates/{issued.serial}/credential"):
        body = stranger.get(page).get_data(as_text=True)
        assert public_id not in body and "/certificates/photos/" not in body
        assert "photo" not in body.lower()
    assert stranger.get(f"/certificates/{issued.serial}.pdf").status_code == 302


def test_the_export_names_the_photo_state_and_deleting_the_account_deletes_the_photo(
        app, client, auth, make_certificate, reviewer):
    issued = make_certificate()
    auth.login(issued.email)
    assert client.get("/talent/data/export.json").get_json()["certificate_photo"][
        "printed_on_certificates"] is False
    upload(client, make_photo())
    decide(reviewer, queued(reviewer)[0], "approve")
    upload(client, make_photo(colour=(10, 10, 10)))
    state = client.get("/talent/data/export.json").get_json()["certificate_photo"]
    assert state["printed_on_certificates"] is True
    assert state["approved"]["decided_at"] and state["pending"]["uploaded_at"]
    assert state["rejected"] is None

    token = csrf_from(client.get("/talent/data").get_data(as_text=True))
    assert client.post("/talent/data/delete", data={"password": PASSWORD,
                                                    "revoke_certificates": "y",
                                                    "csrf_token": token}).status_code == 302
    assert stored_photos(app) == []  # revoked at the holder's request: nothing to print it on


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_refused_with_a_reason_and_nothing_is_stored(app, client, auth,
                                                                  make_certificate, name):
    data, message = BAD_FILES[name]
    issued = make_certificate()
    auth.login(issued.email)
    use_english(client)
    response = upload(client, data)
    assert response.status_code in (400, 413)
    assert message in response.get_data(as_text=True)
    assert stored_photos(app) == []


def test_refusals_are_in_chinese_by_default(app, client, auth, make_certificate):
    issued = make_certificate()
    auth.login(issued.email)
    response = upload(client, make_photo((120, 120)))
    assert response.status_code == 400 and "像素" in response.get_data(as_text=True)
    assert "JPEG" in upload(client, make_photo(fmt="GIF")).get_data(as_text=True)
    assert stored_photos(app) == []


def test_a_photo_of_just_under_2_mb_fits_in_the_upload_request(app, client, auth,
                                                                make_certificate):
    issued = make_certificate()
    auth.login(issued.email)
    photo = make_photo()
    padded = photo + b"\0" * (photo_image.MAX_BYTES - len(photo))  # the app-wide limit is 2 MB
    assert upload(client, padded).status_code == 302
    assert stored_photos(app) == [(issued.user_id, "pending")]


def test_an_oversized_request_gets_the_form_back_with_the_reason(app, client, auth,
                                                                make_certificate):
    issued = make_certificate()
    auth.login(issued.email)
    use_english(client)
    response = upload(client, make_photo() + b"\0" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert "larger than 2 MB" in response.get_data(as_text=True)
    assert stored_photos(app) == []


def test_an_empty_form_asks_for_a_photo(app, client, auth, make_certificate):
    issued = make_certificate()
    auth.login(issued.email)
    use_english(client)
    token = csrf_from(client.get("/certificates/photo").get_data(as_text=True))
    response = client.post("/certificates/photo", data={"csrf_token": token},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a photo to upload." in response.get_data(as_text=True)

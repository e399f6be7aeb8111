"""The holder's photo for the certificate: the holder uploads it, a reviewer approves or refuses
it, and the image is served to these two only, never cached and never on public pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from talentpool.certification import bp, photo_image, photos, service
from talentpool.certification.forms import PhotoForm, PhotoRejectForm
from talentpool.certification.models import PhotoState
from talentpool.errors import render_error

# Room for the multipart envelope around the largest photo accepted.
UPLOAD_REQUEST_MAX = photo_image.MAX_BYTES + 64 * 1024


def reviewer_required(view: Callable) -> Callable:
    """Allow the view only to people who may review photos (``photos.may_review_photos``)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            from talentpool.extensions import login_manager

            return login_manager.unauthorized()
        if not photos.may_review_photos(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.url_value_preprocessor
def _room_for_a_photo(endpoint: str | None, _values) -> None:
    """Let the upload request carry a photo of the full allowed size plus its envelope.

    URL value preprocessors run before every ``before_request`` function, and the CSRF check
    (one of those) reads the form under the app-wide MAX_CONTENT_LENGTH.
    """
    if endpoint == "certification.holder_photo":
        request.max_content_length = UPLOAD_REQUEST_MAX


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    """An oversized upload gets the photo page back with the reason; elsewhere the usual page."""
    if request.endpoint == "certification.holder_photo" and current_user.is_authenticated:
        form = PhotoForm(formdata=None)
        form.photo.errors = [photos.photo_message(photo_image.TOO_LARGE)]
        return _photo_page(form, 413)
    return render_error(413)


def _photo_page(form: PhotoForm, status: int = 200):
    return render_template("certification/photo.html", form=form,
                           photos=photos.photos_of(current_user.id), states=PhotoState,
                           size=(photo_image.WIDTH, photo_image.HEIGHT),
                           min_side=photo_image.MIN_SIDE), status


@bp.route("/certificates/photo", methods=["GET", "POST"])
@login_required
def holder_photo():
    """The holder's photo for the certificate: upload, review state, refusal reason."""
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            photos.upload_photo(current_user, form.photo.data.read(photo_image.MAX_BYTES + 1))
        except service.CertificationError as error:
            form.photo.errors = [str(error)]
            return _photo_page(form, 400)
        flash(_("Your photo is uploaded and waits for review. Until it is approved, your "
                "certificates print the photo approved before, if any."), "success")
        return redirect(url_for("certification.holder_photo"))
    return _photo_page(form, 400 if form.errors else 200)


@bp.get("/certificates/photos/<public_id>.jpg")
@login_required
def photo_file(public_id: str):
    """One photo, for its holder and for reviewers only; never stored by caches."""
    photo = photos.find_photo(public_id)
    if photo is None or not photos.may_see(current_user, photo):
        abort(404)
    response = current_app.response_class(photo.jpeg, mimetype="image/jpeg")
    response.headers["Content-Disposition"] = 'inline; filename="photo.jpg"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/admin/photos")
@reviewer_required
def admin_photos():
    """Photos waiting for review, oldest first, each beside the photo it would replace."""
    return render_template("certification/admin_photos.html", queue=photos.review_queue(),
                           form=PhotoRejectForm())


@bp.post("/admin/photos/<public_id>/approve")
@reviewer_required
def admin_approve_photo(public_id: str):
    """Approve a waiting photo: the holder's certificates print it from now on."""
    try:
        photos.approve_photo(public_id, current_user)
    except service.CertificationError as error:
        flash(str(error), "error")
    else:
        flash(_("The photo is approved."), "success")
    return redirect(url_for("certification.admin_photos"))


@bp.post("/admin/photos/<public_id>/reject")
@reviewer_required
def admin_reject_photo(public_id: str):
    """Refuse a waiting photo with a reason the holder sees."""
    form = PhotoRejectForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
    else:
        try:
            photos.reject_photo(public_id, current_user, form.reason.data)
        except service.CertificationError as error:
            flash(str(error), "error")
        else:
            flash(_("The photo is refused; the holder sees your reason."), "success")
    return redirect(url_for("certification.admin_photos"))

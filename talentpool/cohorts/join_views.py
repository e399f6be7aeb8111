"""Trainee-facing enrolment pages: the cohort's open join link and personal enrolment links."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.auth import Role, role_required
from talentpool.cohorts import bp, enrolment
from talentpool.cohorts.forms import AcceptEnrolmentForm, ConfirmForm, JoinSignupForm
from talentpool.cohorts.service import CohortError, cohorts_of_trainee, upcoming_sessions
from talentpool.database import utcnow
from talentpool.security_headers import no_referrer


@bp.route("/join/<code>", methods=["GET", "POST"])
@no_referrer
def join(code: str):
    """Join a cohort: a signed-in trainee confirms; a visitor signs up on the spot."""
    try:
        cohort = enrolment.open_cohort(code)
    except CohortError as error:
        return render_template("cohorts/link_invalid.html", message=str(error)), 404
    if current_user.is_authenticated:
        form = ConfirmForm()
        if current_user.role is Role.TRAINEE and form.validate_on_submit():
            enrolment.join(code, current_user)
            flash(_("You joined %(cohort)s.", cohort=cohort.name), "success")
            return redirect(url_for("home.home"))
        return render_template("cohorts/join.html", cohort=cohort, form=form, signup=None)
    signup = JoinSignupForm()
    if signup.validate_on_submit():
        try:
            email = enrolment.sign_up_and_join(code, signup.email.data, signup.display_name.data,
                                               signup.password.data,
                                               request.remote_addr or "unknown",
                                               session.get("lang"))
        except CohortError as error:
            signup.email.errors.append(str(error))
        else:
            return render_template("accounts/signup_sent.html", email=email,
                                   hours=current_app.config["SIGNUP_LINK_HOURS"])
    return render_template("cohorts/join.html", cohort=cohort, form=None, signup=signup)


@bp.route("/enrol/<token>", methods=["GET", "POST"])
@no_referrer
def accept_enrolment(token: str):
    """A personal enrolment link: the invited account accepts or declines; without an account,
    setting a password creates one and joins."""
    try:
        row = enrolment.live_enrolment(token)
    except CohortError as error:
        return render_template("cohorts/link_invalid.html", message=str(error)), 404
    if current_user.is_authenticated:
        return _answer_as_signed_in(row)
    form = AcceptEnrolmentForm(display_name=row.name)
    form.known_email = row.email
    if form.validate_on_submit():
        try:
            enrolment.accept_enrolment(token, form.display_name.data, form.password.data)
        except CohortError as error:
            form.password.errors.append(str(error))
        else:
            flash(_("Your account is ready. Log in with %(email)s.", email=row.email), "success")
            return redirect(url_for("accounts.login"))
    return render_template("cohorts/accept_enrolment.html", form=form, enrolment=row,
                           login_url=url_for("accounts.login", next=request.path))


def _answer_as_signed_in(row):
    form = ConfirmForm()
    if current_user.email != row.email:
        return render_template("cohorts/invitation.html", enrolment=row, form=None), 403
    if form.validate_on_submit():
        return _answer(row.cohort.public_id, request.form.get("answer") == "accept")
    return render_template("cohorts/invitation.html", enrolment=row, form=form)


def _answer(cohort_public_id: str, accept: bool):
    try:
        row = enrolment.answer_invitation(current_user, cohort_public_id, accept)
    except CohortError as error:
        flash(str(error), "error")
    else:
        if row is not None:
            flash(_("You joined %(cohort)s.", cohort=row.cohort.name), "success")
        else:
            flash(_("Invitation declined. The institution sees nothing of your data."), "info")
    return redirect(url_for("cohorts.my_cohorts"))


@bp.get("/my/cohorts")
@role_required(Role.TRAINEE)
def my_cohorts():
    """Invitations to answer, and the institutions that can see one's training data."""
    return render_template("cohorts/mine.html", form=ConfirmForm(),
                           invitations=enrolment.open_invitations(current_user),
                           cohorts=cohorts_of_trainee(current_user.id),
                           sessions=upcoming_sessions(current_user.id), now=utcnow())


@bp.post("/my/cohorts/<public_id>/answer")
@role_required(Role.TRAINEE)
def answer_invitation(public_id: str):
    """Accept or decline an invitation to a cohort."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _answer(public_id, request.form.get("answer") == "accept")


@bp.post("/my/cohorts/<public_id>/leave")
@role_required(Role.TRAINEE)
def leave_cohort(public_id: str):
    """Leave a cohort: its institution no longer sees one's data."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        cohort = enrolment.leave(current_user, public_id)
    except CohortError as error:
        flash(str(error), "error")
    else:
        flash(_("You left %(cohort)s. %(institution)s no longer sees your training data.",
                cohort=cohort.name, institution=cohort.institution.name), "success")
    return redirect(url_for("cohorts.my_cohorts"))

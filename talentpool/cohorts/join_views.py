"""Trainee-facing enrolment pages: the cohort's open join link and personal enrolment links."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.auth import Role
from talentpool.cohorts import bp, enrolment
from talentpool.cohorts.forms import AcceptEnrolmentForm, ConfirmForm, JoinSignupForm
from talentpool.cohorts.service import CohortError
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
            enrolment.sign_up_and_join(code, signup.email.data, signup.display_name.data,
                                       signup.password.data)
        except CohortError as error:
            signup.email.errors.append(str(error))
        else:
            flash(_("Your account is ready and you joined %(cohort)s. Log in to start.",
                    cohort=cohort.name), "success")
            return redirect(url_for("accounts.login"))
    return render_template("cohorts/join.html", cohort=cohort, form=None, signup=signup)


@bp.route("/enrol/<token>", methods=["GET", "POST"])
@no_referrer
def accept_enrolment(token: str):
    """A personal enrolment link: set a password to create the trainee account."""
    try:
        row = enrolment.live_enrolment(token)
    except CohortError as error:
        return render_template("cohorts/link_invalid.html", message=str(error)), 404
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
    return render_template("cohorts/accept_enrolment.html", form=form, enrolment=row)

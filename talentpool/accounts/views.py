"""Account pages: sign-up, login, logout, password change and reset, invitations."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from talentpool.accounts import bp, service, signups, tokens
from talentpool.accounts.forms import (
    AcceptInvitationForm, ChangePasswordForm, ConfirmSignupForm, InvitationForm, LoginForm,
    ResetPasswordForm, ResetRequestForm, SettingsForm, SignupForm,
)
from talentpool.auth import Role, role_required
from talentpool.extensions import login_manager
from talentpool.i18n import current_locale
from talentpool.security_headers import no_referrer
from talentpool.timezones import timezone_choices
from talentpool.urls import local_path

SESSION_KEY = "sid"


@login_manager.user_loader
def load_user(user_id: str):
    """Resolve the cookie's session token to a live server-side session."""
    max_age = timedelta(seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])
    return service.session_user(user_id, session.get(SESSION_KEY), max_age)


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("home.home")


def _sign_in(user) -> None:
    """Fresh cookie session with a new server-side session id; the language choice stays."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    token = service.open_session(user, request.remote_addr, request.user_agent.string)
    session[SESSION_KEY] = token
    session.permanent = True
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data,
                                        request.remote_addr or "unknown")
        except service.AccountError as error:
            form.password.errors.append(str(error))
        else:
            _sign_in(user)
            return redirect(_safe_next(form.next.data))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    """End the current session everywhere it could be replayed."""
    service.close_session(session.get(SESSION_KEY))
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("home.landing"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """Ask for a trainee account; the e-mail link creates it."""
    form = SignupForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            email = signups.request_signup(form.email.data, form.display_name.data,
                                           form.password.data, request.remote_addr or "unknown",
                                           session.get("lang"), form.next.data)
        except service.AccountError as error:
            form.email.errors.append(str(error))
        else:
            return render_template("accounts/signup_sent.html", email=email,
                                   hours=current_app.config["SIGNUP_LINK_HOURS"])
    return render_template("accounts/signup.html", form=form)


@bp.route("/signup/<token>", methods=["GET", "POST"])
@no_referrer
def confirm_signup(token: str):
    """Finish a sign-up from its e-mail link (the account is created on the button press)."""
    try:
        pending = signups.live_signup(token)
    except service.AccountError as error:
        return render_template("accounts/link_invalid.html", message=str(error),
                               retry_url=url_for("accounts.signup")), 410
    form = ConfirmSignupForm()
    if form.validate_on_submit():
        try:
            user, next_path = signups.confirm_signup(token)
        except service.AccountError as error:
            return render_template("accounts/link_invalid.html", message=str(error),
                                   retry_url=url_for("accounts.login")), 409
        _sign_in(user)
        flash(_("Welcome to talentpool, %(name)s.", name=user.display_name), "success")
        return redirect(local_path(next_path) or url_for("home.home"))
    return render_template("accounts/confirm_signup.html", form=form, pending=pending)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; every other session of the account ends."""
    form = ChangePasswordForm()
    form.known_email = current_user.email
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current.data, form.password.data,
                                    session.get(SESSION_KEY))
        except service.AccountError as error:
            form.current.errors.append(str(error))
        else:
            flash(_("Password changed. You were logged out on every other device."), "success")
            return redirect(url_for("home.home"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """The account's language and time zone."""
    form = SettingsForm(locale=current_locale(), timezone=current_user.timezone)
    form.timezone.choices = [SelectChoice(name, label)
                             for name, label in timezone_choices(current_locale())]
    if form.validate_on_submit():
        service.save_settings(current_user, form.locale.data, form.timezone.data)
        session["lang"] = form.locale.data
        flash(_("Settings saved."), "success")
        return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
def request_reset():
    """Ask for a password-reset link."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        try:
            tokens.request_password_reset(form.email.data, request.remote_addr or "unknown")
        except service.AccountError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("If an account uses this address, a reset link is on its way. "
                    "It works once, within %(hours)d hours.",
                    hours=current_app.config["PASSWORD_RESET_HOURS"]), "info")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@no_referrer
def reset_password(token: str):
    """Choose a new password with a reset link."""
    try:
        row = tokens.live_reset_token(token)
    except service.AccountError as error:
        return render_template("accounts/link_invalid.html", message=str(error),
                               retry_url=url_for("accounts.request_reset")), 410
    form = ResetPasswordForm()
    form.known_email = row.user.email
    if form.validate_on_submit():
        try:
            tokens.reset_password(token, form.password.data)
        except service.AccountError as error:
            form.password.errors.append(str(error))
        else:
            flash(_("Your password was changed. Log in with the new one."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/invite/<token>", methods=["GET", "POST"])
@no_referrer
def accept_invitation(token: str):
    """Create an invited account."""
    try:
        invitation = tokens.live_invitation(token)
    except service.AccountError as error:
        return render_template("accounts/link_invalid.html", message=str(error),
                               retry_url=None), 410
    form = AcceptInvitationForm()
    form.known_email = invitation.email
    if form.validate_on_submit():
        try:
            user = tokens.accept_invitation(token, form.display_name.data, form.password.data)
        except service.AccountError as error:
            form.password.errors.append(str(error))
        else:
            _sign_in(user)
            return redirect(url_for("home.home"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


@bp.route("/invitations", methods=["GET", "POST"])
@no_referrer
@role_required(Role.ADMIN)
def invitations():
    """Invite institution staff, employers and administrators."""
    form = InvitationForm()
    link = None
    if form.validate_on_submit():
        try:
            link = tokens.invite(form.email.data, Role(form.role.data), current_user)
        except service.AccountError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("Invitation created for %(email)s.", email=form.email.data), "success")
            form = InvitationForm(formdata=None)
    return render_template("accounts/invitations.html", form=form, link=link,
                           pending=tokens.pending_invitations())


@bp.post("/invitations/<public_id>/revoke")
@role_required(Role.ADMIN)
def revoke_invitation(public_id: str):
    """Withdraw an open invitation."""
    try:
        tokens.revoke_invitation(public_id)
    except service.AccountError:
        abort(404)
    flash(_("Invitation withdrawn."), "info")
    return redirect(url_for("accounts.invitations"))

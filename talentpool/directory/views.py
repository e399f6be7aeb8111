"""Trainee talent-pool pages (tier, profile and consent, requests, data rights) and the
admin's organisation verification. Employer pages and the API live beside this module."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from talentpool.accounts.service import AccountError
from talentpool.auth import Role, role_required
from talentpool.directory import bp, employers, profiles, rights
from talentpool.directory.forms import ConsentForm, DeleteAccountForm, ProfileForm
from talentpool.directory.placement import recompute_tier, tier_of
from talentpool.directory.privacy import (
    AVAILABILITY, CORE_FIELDS, FIELD_LABELS, LANGUAGES, OPTIONAL_FIELDS, language_list,
    recognised_certificates,
)
from talentpool.directory.tiers import load_rules, tier_by_id
from talentpool.directory.wording import describe_reason, describe_step

trainee_only = role_required(Role.TRAINEE)


@bp.get("/talent/tier")
@trainee_only
def tier_page():
    """The trainee's tier, why, and what would move it up."""
    tier = tier_of(current_user.id) or recompute_tier(current_user.id)
    return render_template("directory/tier.html", tier=tier, tiers=load_rules(),
                           current=tier_by_id(tier.tier), describe_reason=describe_reason,
                           describe_step=describe_step)


@bp.route("/talent/profile", methods=["GET", "POST"])
@trainee_only
def profile_page():
    """Edit the pool profile; listing needs the separate consent below it."""
    profile = profiles.profile_of(current_user.id)
    form = ProfileForm(obj=profile)
    if request.method == "GET" and profile is not None:
        form.languages.data = language_list(profile)
    if form.validate_on_submit():
        try:
            profiles.update_profile(current_user, {name: getattr(form, name).data
                                                   for name in profiles.EDITABLE})
        except profiles.DirectoryError as error:
            form.pool_name.errors.append(str(error))
        else:
            flash(_("Profile saved."), "success")
            return redirect(url_for("directory.profile_page"))
    consent_form = ConsentForm(obj=profile) if profile else None
    return render_template("directory/profile.html", form=form, profile=profile,
                           consent_form=consent_form, history=profiles.consent_history(
                               current_user.id), core=CORE_FIELDS, optional=OPTIONAL_FIELDS,
                           labels=FIELD_LABELS,
                           recognitions=recognised_certificates(current_user.id))


@bp.post("/talent/consent")
@trainee_only
def give_consent():
    """Give (or renew with other fields) the consent to be listed."""
    form = ConsentForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to give your consent."), "error")
        return redirect(url_for("directory.profile_page"))
    chosen = [name for name in OPTIONAL_FIELDS if getattr(form, f"share_{name}").data]
    try:
        profiles.give_consent(current_user, chosen)
    except profiles.DirectoryError as error:
        flash(str(error), "error")
    else:
        flash(_("You are listed in the talent pool. You can withdraw at any time."), "success")
    return redirect(url_for("directory.profile_page"))


@bp.post("/talent/consent/withdraw")
@trainee_only
def withdraw_consent():
    """Withdraw the consent: the profile leaves every search at once."""
    profiles.withdraw_consent(current_user)
    flash(_("Consent withdrawn. Employers can no longer find or open your profile."), "success")
    return redirect(url_for("directory.profile_page"))


@bp.get("/talent/requests")
@trainee_only
def requests_page():
    """Contact requests from employers, and who looked at the profile."""
    profile = profiles.profile_of(current_user.id)
    return render_template("directory/requests.html", profile=profile,
                           requests=employers.received_requests(profile),
                           views=employers.views_of(profile))


@bp.post("/talent/requests/<request_id>")
@trainee_only
def answer_request(request_id: str):
    """Accept or decline one contact request."""
    accept = request.form.get("answer") == "accept"
    try:
        employers.answer_request(current_user, request_id, accept)
    except profiles.DirectoryError as error:
        flash(str(error), "error")
    else:
        flash(_("Accepted: this employer now sees your e-mail address and phone.") if accept
              else _("Declined. The employer sees nothing more."), "success")
    return redirect(url_for("directory.requests_page"))


@bp.get("/talent/data")
@trainee_only
def data_page():
    """Download all personal data or delete the account."""
    return render_template("directory/data.html", form=DeleteAccountForm(),
                           kept=rights.kept_records(current_user.id))


@bp.get("/talent/data/export.json")
@trainee_only
def export_data():
    """All the trainee's data as a JSON file."""
    body = json.dumps(rights.export_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=talentpool-my-data.json",
        "Cache-Control": "no-store"})


@bp.post("/talent/data/delete")
@trainee_only
def delete_account():
    """Delete the account after the password is entered again."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            entirely = rights.delete_account(current_user._get_current_object(),
                                             form.password.data,
                                             bool(form.revoke_certificates.data))
        except AccountError as error:
            form.password.errors.append(str(error))
        else:
            logout_user()
            session.clear()
            flash(_("Your account and its data were deleted.") if entirely else _(
                "Your account was deleted. The certification records and certificates that "
                "evaluation organisations must keep remain, without your e-mail address or "
                "sign-in."), "info")
            return redirect(url_for("home.landing"))
    return render_template("directory/data.html", form=form,
                           kept=rights.kept_records(current_user.id)), 400


@bp.get("/talent/admin/organisations")
@role_required(Role.ADMIN)
def organisations_admin():
    """Employer organisations, those awaiting verification first."""
    return render_template("directory/organisations.html",
                           organisations=employers.list_organisations())


@bp.post("/talent/admin/organisations/<organisation_id>")
@role_required(Role.ADMIN)
def verify_organisation(organisation_id: str):
    """Verify or unverify an organisation."""
    verified = request.form.get("verified") == "1"
    try:
        organisation = employers.set_verified(organisation_id, verified, current_user)
    except profiles.DirectoryError as error:
        flash(str(error), "error")
    else:
        flash((_("%(name)s is verified and may search.", name=organisation.name) if verified
               else _("%(name)s can no longer search.", name=organisation.name)), "success")
    return redirect(url_for("directory.organisations_admin"))


@bp.app_template_filter("availability_label")
def availability_label(code: str) -> str:
    """Translated availability."""
    return str(AVAILABILITY.get(code, code))


@bp.app_template_filter("language_label")
def language_label(code: str) -> str:
    """Translated language name."""
    return str(LANGUAGES.get(code, code))


from talentpool.directory import api, employer_views  # noqa: E402,F401  (register routes)


@bp.context_processor
def track_names() -> dict:
    """Track names in the current language for the talent-pool templates."""
    from talentpool.assessment.tracks import TRACKS
    from talentpool.i18n import current_locale

    locale = current_locale()
    return {"track_names": {track.id: track.name(locale) for track in TRACKS}}

"""Employer pages: organisation, search, profiles, shortlists, contact requests, API tokens.

Every page except the organisation page needs a verified organisation; others get 403.
"""

from __future__ import annotations

from functools import wraps

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from talentpool.assessment.tracks import TRACKS
from talentpool.auth import Role, role_required
from talentpool.directory import api_tokens, bp, employers, search_alerts
from talentpool.directory.forms import (
    AlertForm, ContactForm, NameForm, OrganisationForm, ShortlistAddForm, TokenForm,
)
from talentpool.directory.keywords import MAX_QUERY
from talentpool.directory.privacy import (
    AVAILABILITY, LANGUAGES, employer_card, employer_cards, recognised_certificates,
)
from talentpool.directory.profiles import DirectoryError
from talentpool.directory.search import ACTIVE_WITHIN, SORTS, SearchQuery, search
from talentpool.directory.shortlist_export import shortlist_csv
from talentpool.directory.tiers import load_rules
from talentpool.security_headers import no_referrer
from talentpool.urls import local_path


def verified_employer(view):
    """Employers of a verified organisation only; others get 403 with an explanation."""
    @role_required(Role.EMPLOYER)
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not employers.is_verified_employer(current_user.id):
            return render_template("directory/organisation.html", form=OrganisationForm(),
                                   organisation=employers.organisation_of(current_user.id)), 403
        return view(*args, **kwargs)
    return wrapped


@bp.route("/talent/organisation", methods=["GET", "POST"])
@role_required(Role.EMPLOYER)
def organisation_page():
    """Register the employer's organisation and see its verification state."""
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            employers.register_organisation(current_user, form.name.data, form.website.data)
        except DirectoryError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("Organisation registered. An administrator will verify it."), "success")
            return redirect(url_for("directory.organisation_page"))
    return render_template("directory/organisation.html", form=form,
                           organisation=employers.organisation_of(current_user.id))


@bp.get("/talent/search")
@verified_employer
def search_page():
    """Filter, sort and page through listed profiles."""
    query = SearchQuery.from_args(request.args)
    results = search(query)
    cards = employer_cards(results.profiles)
    return render_template("directory/search.html", query=query, results=results, cards=cards,
                           tracks=TRACKS, tiers=load_rules(), languages=LANGUAGES,
                           availability=AVAILABILITY, sorts=SORTS, active_within=ACTIVE_WITHIN,
                           max_query=MAX_QUERY,
                           saved=employers.saved_searches(current_user.id), save_form=NameForm(),
                           add_form=_shortlist_form(),
                           held=employers.shortlists_holding(current_user.id,
                                                             [card["id"] for card in cards]))


def _shortlist_form() -> ShortlistAddForm:
    form = ShortlistAddForm()
    form.shortlist.choices = [SelectChoice(s.public_id, s.name)
                              for s in employers.shortlists_of(current_user.id)]
    return form


@bp.post("/talent/searches")
@verified_employer
def save_search():
    """Keep the current filters under a name."""
    form, query = NameForm(), SearchQuery.from_args(request.args)
    if form.validate_on_submit():
        employers.save_search(current_user, form.name.data, query)
        flash(_("Search saved."), "success")
    return redirect(url_for("directory.search_page", **query.as_args()))


@bp.post("/talent/searches/<search_id>/delete")
@verified_employer
def delete_search(search_id: str):
    """Forget a saved search."""
    employers.delete_saved_search(current_user, search_id)
    return redirect(url_for("directory.search_page"))


@bp.post("/talent/searches/<search_id>/alert")
@verified_employer
def search_alert(search_id: str):
    """Turn a saved search's alert about new matches on or off."""
    form = AlertForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        saved = search_alerts.set_alert(current_user, search_id, form.alert.data)
    except DirectoryError:
        abort(404)
    flash(_("You will be told once a day when new people match %(name)s.", name=saved.name)
          if saved.alert else _("No more alerts for %(name)s.", name=saved.name), "success")
    return redirect(url_for("directory.search_page", **saved.query))


@bp.get("/talent/p/<profile_id>")
@verified_employer
def profile_view(profile_id: str):
    """One listed profile; the view is logged for the trainee."""
    profile = employers.listed_profile(profile_id) or abort(404)
    employers.record_view(profile, current_user)
    sent = [r for r in employers.sent_requests(current_user.id) if r.profile_id == profile.id]
    return render_template("directory/profile_view.html", card=employer_card(profile,
                           current_user.id), add_form=_shortlist_form(),
                           held=employers.shortlists_holding(current_user.id,
                                                             [profile.public_id]),
                           contact_form=ContactForm(),
                           sent=sent, tiers={t.id: t for t in load_rules()},
                           recognitions=recognised_certificates(profile.user_id))


@bp.post("/talent/p/<profile_id>/contact")
@verified_employer
def request_contact(profile_id: str):
    """Ask the trainee for contact details."""
    form = ContactForm()
    try:
        if not form.validate_on_submit():
            raise DirectoryError(_("Write a message of 10 to 1000 characters."))
        employers.request_contact(current_user, profile_id, form.message.data)
    except DirectoryError as error:
        flash(str(error), "error")
    else:
        flash(_("Request sent. You will see the contact details if the trainee accepts."),
              "success")
    return redirect(url_for("directory.profile_view", profile_id=profile_id))


@bp.post("/talent/p/<profile_id>/shortlist")
@verified_employer
def shortlist_add(profile_id: str):
    """Put the profile on one of the employer's shortlists, or on a new one named here; back
    to the page it was added from (a search's results or the profile)."""
    form = ShortlistAddForm()
    back = local_path(form.next.data) or url_for("directory.profile_view", profile_id=profile_id)
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
        return redirect(back)
    try:
        entry = employers.add_to_shortlist(current_user, form.shortlist.data or "", profile_id,
                                           form.note.data or "", new_name=form.new_name.data or "")
    except DirectoryError as error:
        flash(str(error), "error")
    else:
        flash(_("Added to the shortlist %(name)s.", name=entry.shortlist.name), "success")
    return redirect(back)


@bp.route("/talent/shortlists", methods=["GET", "POST"])
@verified_employer
def shortlists_page():
    """The employer's shortlists and sent contact requests."""
    form = NameForm()
    if form.validate_on_submit():
        shortlist = employers.create_shortlist(current_user, form.name.data)
        return redirect(url_for("directory.shortlist_page", shortlist_id=shortlist.public_id))
    return render_template("directory/shortlists.html", form=form,
                           shortlists=employers.shortlists_of(current_user.id),
                           requests=employers.sent_requests(current_user.id))


@bp.get("/talent/shortlists/<shortlist_id>")
@verified_employer
def shortlist_page(shortlist_id: str):
    """One shortlist with its people."""
    shortlist = employers.find_shortlist(current_user.id, shortlist_id) or abort(404)
    entries = [(entry, employer_card(entry.profile, current_user.id, with_certificates=False))
               for entry in employers.listed_entries(shortlist)]
    return render_template("directory/shortlist.html", shortlist=shortlist, entries=entries,
                           tiers={t.id: t for t in load_rules()})


@bp.post("/talent/shortlists/<shortlist_id>/remove/<profile_id>")
@verified_employer
def shortlist_remove(shortlist_id: str, profile_id: str):
    """Take a person off a shortlist."""
    try:
        employers.remove_from_shortlist(current_user, shortlist_id, profile_id)
    except DirectoryError:
        abort(404)
    return redirect(url_for("directory.shortlist_page", shortlist_id=shortlist_id))


@bp.get("/talent/shortlists/<shortlist_id>/export.csv")
@verified_employer
def shortlist_export(shortlist_id: str):
    """The shortlist as CSV, spreadsheet formulas escaped."""
    shortlist = employers.find_shortlist(current_user.id, shortlist_id) or abort(404)
    return Response(shortlist_csv(shortlist, current_user.id), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=shortlist.csv", "Cache-Control": "no-store"})


@bp.route("/talent/tokens", methods=["GET", "POST"])
@no_referrer
@verified_employer
def tokens_page():
    """Create and revoke API tokens."""
    form, raw = TokenForm(), None
    if form.validate_on_submit():
        try:
            _token, raw = api_tokens.create_token(current_user, form.name.data, form.scopes.data)
        except DirectoryError as error:
            form.scopes.errors.append(str(error))
    return render_template("directory/tokens.html", form=form, raw=raw,
                           tokens=api_tokens.tokens_of(current_user.id), scopes=api_tokens.SCOPES)


@bp.post("/talent/tokens/<token_id>/revoke")
@verified_employer
def revoke_token(token_id: str):
    """Revoke one of the employer's tokens."""
    try:
        api_tokens.revoke_token(current_user, token_id)
    except DirectoryError:
        abort(404)
    flash(_("Token revoked; it stops working at once."), "success")
    return redirect(url_for("directory.tokens_page"))

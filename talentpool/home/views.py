"""Landing, role home pages, language switch and health check."""

from __future__ import annotations

from flask import jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from talentpool.auth import Role
from talentpool.home import bp, service
from talentpool.i18n import choose_locale, current_locale
from talentpool.assessment.tracks import TRACKS_BY_ID
from talentpool.certification.service import certificates_of
from talentpool.cohorts import pages as cohorts_pages
from talentpool.directory import panels as directory_panels
from talentpool.practice import service as practice
from talentpool.practice import skills
from talentpool.urls import local_path

HOME_TEMPLATES = {
    Role.TRAINEE: "home/trainee.html",
    Role.INSTITUTION_STAFF: "home/institution.html",
    Role.EMPLOYER: "home/employer.html",
    Role.ADMIN: "home/admin.html",
}


@bp.get("/")
def landing():
    """Explain talentpool to each of its users."""
    return render_template("home/landing.html")


@bp.get("/home")
@login_required
def home():
    """The signed-in person's home page, by role."""
    context = {}
    if current_user.role is Role.INSTITUTION_STAFF:
        context.update(cohorts_pages.institution_home(current_user))
    if current_user.role is Role.EMPLOYER:
        context["employer_card"] = directory_panels.employer_panel(current_user.id)
    if current_user.role is Role.TRAINEE:
        context.update(cohorts_pages.trainee_plans(current_user.id))
        context["talent_card"] = directory_panels.trainee_panel(current_user.id,
                                                                current_locale())
        context["practice"] = practice.overview(current_user.id)
        context["skills"] = skills.current(current_user.id)
        context["tracks"] = TRACKS_BY_ID
        context["certificates"] = certificates_of(current_user.id)
    return render_template(HOME_TEMPLATES[current_user.role], **context)


@bp.post("/language")
def language():
    """Switch the interface language."""
    choose_locale(request.form.get("lang", ""))
    return redirect(local_path(request.form.get("next")) or url_for("home.landing"))


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not."""
    if service.database_ok():
        return jsonify(status="ok", database="ok")
    return jsonify(status="unavailable", database="unreachable"), 503


@bp.get("/favicon.ico")
def favicon():
    """The site icon where a browser looks by default (JSON documents, the verification API)."""
    return redirect(url_for("static", filename="img/logo.svg"), code=301)

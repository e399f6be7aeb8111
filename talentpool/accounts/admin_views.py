"""User management pages for administrators: the account list (search, filters, pages, CSV),
one account with its audit trail, and disabling, enabling and changing the role.

Its own blueprint, registered by the app factory: the accounts package is imported by every
domain's models, and user management uses the audit log and API tokens of other domains, so
importing it with the accounts package would close an import cycle."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.accounts import admin
from talentpool.accounts.admin_forms import AccountStatusForm, RoleForm
from talentpool.auth import Role, role_required
from talentpool.pagination import page_number

users_bp = Blueprint("users", __name__, url_prefix="/accounts")


@users_bp.app_template_test("deleted_account")
def _deleted_account(user) -> bool:
    """``{% if user is deleted_account %}``: the row left of an account deleted by its holder."""
    return admin.is_deleted(user)


def _status_form(**kwargs) -> AccountStatusForm:
    return AccountStatusForm(prefix="status", **kwargs)


def _role_form(**kwargs) -> RoleForm:
    return RoleForm(prefix="role", **kwargs)


@users_bp.get("/users")
@role_required(Role.ADMIN)
def index():
    """Every account, newest first: search by e-mail or name, filter by role and status."""
    chosen = admin.UserFilter.from_args(request.args)
    return render_template("accounts/admin_users.html", chosen=chosen,
                           page=admin.user_page(chosen), roles=list(Role))


@users_bp.get("/users.csv")
@role_required(Role.ADMIN)
def export():
    """The filtered accounts as CSV (all of them, not one page)."""
    body = admin.users_csv(admin.UserFilter.from_args(request.args))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="users.csv"',
        "Cache-Control": "no-store"})


def _render_user(user, status_form=None, role_form=None, code: int = 200):
    trail = admin.audit_trail(user, page_number(request.args.get("page")))
    return render_template(
        "accounts/admin_user.html", user=user, trail=trail,
        status_form=status_form or _status_form(formdata=None),
        role_form=role_form or _role_form(formdata=None, role=user.role.value)), code


@users_bp.get("/users/<public_id>")
@role_required(Role.ADMIN)
def detail(public_id: str):
    """One account: its facts, the actions on it and its audit trail."""
    user = admin.find_user(public_id)
    if user is None:
        abort(404)
    return _render_user(user)


def _change(public_id: str, form, change):
    """Validate ``form``, apply ``change`` (a service call); on refusal show the page again
    with the message next to the form and what was typed kept."""
    user = admin.find_user(public_id)
    if user is None:
        abort(404)
    if form.validate_on_submit():
        try:
            changed = change(form)
        except admin.UserAdminError as error:
            form.form_errors.append(str(error))
        else:
            return changed
    forms = {"status_form": form} if isinstance(form, AccountStatusForm) else {"role_form": form}
    return _render_user(user, code=400, **forms)


@users_bp.post("/users/<public_id>/disable")
@role_required(Role.ADMIN)
def disable(public_id: str):
    """Disable an account: its sessions end at once and its API tokens are revoked."""
    def change(form):
        user = admin.disable(public_id, current_user, form.reason.data)
        flash(_("%(name)s is disabled and was logged out everywhere.", name=user.display_name),
              "success")
        return redirect(url_for("users.detail", public_id=public_id))
    return _change(public_id, _status_form(), change)


@users_bp.post("/users/<public_id>/enable")
@role_required(Role.ADMIN)
def enable(public_id: str):
    """Let a disabled account log in again."""
    def change(form):
        user = admin.enable(public_id, current_user, form.reason.data)
        flash(_("%(name)s can log in again.", name=user.display_name), "success")
        return redirect(url_for("users.detail", public_id=public_id))
    return _change(public_id, _status_form(), change)


@users_bp.post("/users/<public_id>/role")
@role_required(Role.ADMIN)
def change_role(public_id: str):
    """Give an account another role."""
    def change(form):
        user = admin.change_role(public_id, Role(form.role.data), current_user,
                                 form.reason.data)
        flash(_("%(name)s is now %(role)s.", name=user.display_name, role=user.role.label),
              "success")
        return redirect(url_for("users.detail", public_id=public_id))
    return _change(public_id, _role_form(), change)

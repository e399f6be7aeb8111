"""Every irreversible action's form asks first (``data-confirm``, static/js/confirm.js); without
JavaScript the server still needs the POST with its CSRF token, so nothing happens by a click
on a link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORM = re.compile(r"<form\b(?P<tag>[^>]*)>(?P<body>.*?)</form>", re.DOTALL)

# The endpoint a form posts to, or (template, the form's hidden "action" value) for forms that
# post to their own page.
IRREVERSIBLE = [
    ("certification/admin.html", "certification.admin_revoke"),
    ("accounts/admin_user.html", "users.disable"),
    ("accounts/admin_user.html", "users.change_role"),
    ("accounts/invitations.html", "accounts.revoke_invitation"),
    ("exams/_item.html", "exams.finish"),
    ("exams/standards.html", "exams.activate_standard"),
    ("office/results.html", "action=publish"),
    ("office/proctor_log.html", "action=termination"),
    ("office/proctor_log.html", "action=sign_off"),
    ("office/my_registrations.html", "office.withdraw"),
    ("office/sitting_staff.html", "office.dismiss_staff"),
    ("office/appeal.html", "may_decide"),
    ("organisations/members.html", "organisations.dismiss"),
    ("organisations/admin_edit.html", "organisations.admin_remove_seal"),
    ("rating/office.html", "action=reassign"),
    ("rating/hearing.html", "rating.recuse_hearing"),
    ("rating/score.html", "rating.recuse"),
    ("rating/plan_panel.html", "action=dismiss"),
    ("rating/work_summary.html", "action=remove"),
    ("cohorts/enrol.html", "cohorts.renew_join_link"),
    ("cohorts/mine.html", "cohorts.leave_cohort"),
    ("directory/data.html", "directory.delete_account"),
]


def forms_of(template: str, marker: str) -> list[tuple[str, str]]:
    """(opening tag, body) of the template's forms that ``marker`` names."""
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    if marker == "may_decide":  # the appeal page's one decision form follows this test
        source = source[source.index("{% if may_decide %}"):]
        return [next((m["tag"], m["body"]) for m in FORM.finditer(source))]
    if marker.startswith("action="):
        value = marker.partition("=")[2]
        return [(m["tag"], m["body"]) for m in FORM.finditer(source)
                if f'name="action" value="{value}"' in m["body"]]
    return [(m["tag"], m["body"]) for m in FORM.finditer(source)
            if re.search(rf"url_for\('{re.escape(marker)}'", m["tag"])]


@pytest.mark.parametrize(("template", "marker"), IRREVERSIBLE)
def test_irreversible_forms_ask_first(template, marker):
    found = forms_of(template, marker)
    assert found, f"{template}: no form for {marker}"
    for tag, body in found:
        assert "data-confirm=" in tag, f"{template}: the form for {marker} does not ask first"
        assert 'method="post"' in tag and "csrf" in body.lower()


def test_revoking_an_api_token_asks_first():
    source = (TEMPLATES / "directory" / "tokens.html").read_text(encoding="utf-8")
    call = re.search(r"post_button\(url_for\('directory\.revoke_token'.*?\) \}\}", source)
    assert call and "confirm=" in call.group(0)
    macro = (TEMPLATES / "directory" / "_macros.html").read_text(encoding="utf-8")
    assert re.search(r"<form [^>]*\{% if confirm %\} data-confirm=", macro)


def test_confirm_script_is_on_every_page():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert "js/confirm.js" in base

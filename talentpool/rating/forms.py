"""The rater's scoring form: one choice of level per rubric criterion, with comments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length

from talentpool.i18n import localized
from talentpool.rating.service import MAX_COMMENT


def scoring_form(criteria: list[dict], data=None, overall_required: bool = False) -> FlaskForm:
    """A form with ``points-<id>`` (the level's points) and ``comment-<id>`` per criterion,
    and ``overall`` for the whole answer (required for a panel member's scores)."""

    class ScoringForm(FlaskForm):
        overall = TextAreaField(
            _l("Overall comment on the work and the defence") if overall_required
            else _l("Comment on the whole answer (optional)"),
            validators=[InputRequired(message=_l("Write an overall comment."))]
            if overall_required else [Length(max=MAX_COMMENT)])

    for criterion in criteria:
        choices = [SelectChoice(str(level["points"]),
                                f"{level['points']} · {localized(level['text'])}")
                   for level in criterion["levels"]]
        setattr(ScoringForm, f"points_{criterion['id']}", RadioField(
            localized(criterion["title"]), choices=choices,
            validators=[InputRequired(message=_l("Choose a level for this criterion."))]))
        setattr(ScoringForm, f"comment_{criterion['id']}", TextAreaField(
            _l("Comment (optional)"), validators=[Length(max=MAX_COMMENT)]))
    return ScoringForm(formdata=data)


def points_of(form, criteria: list[dict]) -> dict[str, int]:
    return {c["id"]: int(getattr(form, f"points_{c['id']}").data) for c in criteria}


def comments_of(form, criteria: list[dict]) -> dict[str, str]:
    comments = {c["id"]: getattr(form, f"comment_{c['id']}").data or "" for c in criteria}
    comments[""] = form.overall.data or ""
    return comments


class ConflictForm(FlaskForm):
    """The office declares that a rater must never score a candidate's work."""

    rater = EmailField(_l("Rater's e-mail"), validators=[InputRequired(), Length(max=254)])
    candidate = EmailField(_l("Candidate's e-mail"), validators=[InputRequired(),
                                                                Length(max=254)])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=MAX_COMMENT)])

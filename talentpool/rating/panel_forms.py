"""Forms of the panel review: the plan's panel, the defence record, recusal, and the
candidate's work summary."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField, EmailField, FieldList, Form, FormField, StringField, TextAreaField,
)
from wtforms.validators import InputRequired, Length

from talentpool.rating.hearings import MAX_ANSWER, MAX_NOTES, MAX_QUESTION
from talentpool.rating.summaries import MAX_TEXT, MAX_TITLE

BLANK_QUESTIONS = 3  # empty rows offered below the questions already recorded


class AppointForm(FlaskForm):
    """The office appoints a panel member of the organisation to a plan's panel."""

    email = EmailField(_l("Panel member's e-mail"), validators=[InputRequired(),
                                                                 Length(max=254)])


class QuestionForm(Form):
    question = TextAreaField(_l("Question"), validators=[Length(max=MAX_QUESTION)])
    answer = TextAreaField(_l("The candidate's answer"), validators=[Length(max=MAX_ANSWER)])


class DefenceForm(FlaskForm):
    """The chair's record of the defence (答辩)."""

    held_at = DateTimeLocalField(_l("Held at"), format="%Y-%m-%dT%H:%M",
                                 validators=[InputRequired(message=_l(
                                     "Give the date and time of the defence."))])
    questions = FieldList(FormField(QuestionForm), min_entries=BLANK_QUESTIONS)
    notes = TextAreaField(_l("Notes (how the defence went, anything the record should keep)"),
                          validators=[Length(max=MAX_NOTES)])


def defence_form(hearing, data=None) -> DefenceForm:
    """The defence form, filled with what is recorded, plus empty rows for more questions."""
    recorded = hearing.defence_questions or []
    form = DefenceForm(formdata=data, data=None if data else {
        "questions": [*recorded, *([{}] * BLANK_QUESTIONS)],
        "notes": hearing.defence_notes or ""})
    return form


class RecuseForm(FlaskForm):
    reason = TextAreaField(_l("Why you stand aside (kept in the office's conflict list)"),
                           validators=[InputRequired(), Length(max=2000)])


class SummaryForm(FlaskForm):
    """The candidate's work summary or paper (工作总结/论文)."""

    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=MAX_TITLE)])
    text = TextAreaField(_l("Summary (Markdown)"), validators=[InputRequired(),
                                                              Length(max=MAX_TEXT)])


class SummaryFileForm(FlaskForm):
    file = FileField(_l("Add a PDF"))

"""The administrator's forms (revocation, national numbers, photo review), the verifier's name
check and the holder's identity document and photo."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from talentpool.certification.identity import ID_TYPES


class RevokeForm(FlaskForm):
    reason = StringField(_l("Reason (shown on the public verification page)"), validators=[
        DataRequired(message=_l("Give a reason for the revocation.")), Length(max=500)])


class SuspendForm(FlaskForm):
    reason = StringField(_l("Reason (shown on the public verification page)"), validators=[
        DataRequired(message=_l("Give a reason for the suspension.")), Length(max=500)])


class NationalNumberForm(FlaskForm):
    national_number = StringField(_l("National certificate no."), validators=[
        DataRequired(message=_l("Type the national certificate number.")), Length(max=40)])


class NationalImportForm(FlaskForm):
    numbers = FileField(_l("List of national numbers (CSV)"), validators=[
        FileRequired(message=_l("Choose a CSV file.")),
        FileSize(1024 * 1024, message=_l("The file is larger than 1 MB."))])


class NameCheckForm(FlaskForm):
    """A verifier's typed full name, checked against the holder's (never shown), and optionally
    the last six characters of the holder's identity number: both must match."""

    holder_name = StringField(_l("Holder's full name"), validators=[
        DataRequired(message=_l("Type the holder's full name.")), Length(max=80)])
    id_last6 = StringField(_l("Last six characters of the ID number (optional)"), validators=[
        Optional(), Regexp(r"^\s*[0-9A-Za-z]{6}\s*$", message=_l(
            "Type exactly the last six characters of the ID number, or leave it empty."))])


class IdentityForm(FlaskForm):
    """The holder's identity document (证件类型, 证件号码) as certificates name it."""

    id_type = SelectField(_l("ID type"), choices=[
        SelectChoice(kind.code, f"{kind.zh} · {kind.en}") for kind in ID_TYPES.values()],
        validators=[DataRequired()])
    id_number = StringField(_l("ID number"), validators=[
        DataRequired(message=_l("Type the number of your identity document.")),
        Length(max=40)])


class PhotoForm(FlaskForm):
    """The holder's photo for the certificate; its content is checked by ``photo_image``."""

    photo = FileField(_l("Photo (JPEG or PNG, at most 2 MB)"), validators=[
        FileRequired(message=_l("Choose a photo to upload."))])


class PhotoRejectForm(FlaskForm):
    reason = StringField(_l("Reason (shown to the holder)"), validators=[
        DataRequired(message=_l("Give the holder a reason for refusing the photo.")),
        Length(max=500)])

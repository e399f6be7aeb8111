"""The evaluation organisation table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from talentpool.database import JSONType, utcnow
from talentpool.extensions import db


class Organisation(db.Model):
    """An evaluation organisation (评价机构) hosted on this instance.

    ``slug`` names it in URLs and in its DID (``did:web:<site>:issuers:<slug>``) and is never
    changed once it has issued. ``registered_levels`` is its registration (备案) scope for the
    occupation and work type this product certifies (人工智能训练师 · 数据标注员); a level outside it
    is certified under ``other_title_*``, which must not claim to be a national certificate.
    """

    __tablename__ = "evaluation_organisation"
    __table_args__ = (CheckConstraint("slug <> ''", name="slug_present"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))  # registered name, as on its certificates
    name_en: Mapped[str] = mapped_column(String(200), default="")
    code: Mapped[str] = mapped_column(String(40), default="")  # 机构代码 / 统一社会信用代码
    registration_number: Mapped[str] = mapped_column(String(60), default="")  # 备案编号
    registered_levels: Mapped[list] = mapped_column(JSONType, default=list)
    other_title_zh: Mapped[str] = mapped_column(String(60))
    other_title_en: Mapped[str] = mapped_column(String(80))
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    seal_image: Mapped[bytes | None] = mapped_column(LargeBinary)  # PNG or JPEG, checked
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

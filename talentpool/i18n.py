"""The interface language: which one is chosen, remembering a choice, and localized text.

Shared by every domain (DESIGN: shared helpers live at the top level), so importing it never
pulls in another domain's views.
"""

from __future__ import annotations

from flask import has_request_context, session
from flask_login import current_user

from talentpool.accounts import service as accounts

LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"


def current_locale() -> str:
    """The chosen language: this browser's choice, then the account's, then Chinese."""
    if not has_request_context():
        return DEFAULT_LOCALE
    chosen = session.get("lang")
    if chosen in LOCALES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return DEFAULT_LOCALE


def choose_locale(locale: str) -> bool:
    """Remember a language for this browser (and the account); False if unknown."""
    if locale not in LOCALES:
        return False
    session["lang"] = locale
    if current_user.is_authenticated:
        accounts.set_locale(current_user, locale)
    return True


def localized(value, locale: str | None = None) -> str:
    """A string, or the current language's text of a {zh, en} map."""
    if isinstance(value, dict):
        key = "en" if (locale or current_locale()) == "en" else "zh"
        return value.get(key) or next(iter(value.values()), "")
    return "" if value is None else str(value)

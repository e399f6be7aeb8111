"""The reader's time zone: which one is used, and stored times shown and entered in it.

The database keeps naive UTC (``database.utcnow``). Pages show times in the signed-in user's
zone (``User.timezone``; Asia/Shanghai by default and for visitors), and forms that ask for a
time take it in that zone and say so. Shared by every domain, like ``i18n``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_datetime, get_timezone_location
from flask import has_request_context
from flask_login import current_user

DEFAULT_TIMEZONE = "Asia/Shanghai"


@cache
def timezone_names() -> tuple[str, ...]:
    """Every zone a user may choose (IANA names, "Area/City"), sorted."""
    return tuple(sorted(name for name in available_timezones()
                        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/",
                                                                   "right/"))))


def is_timezone(name: object) -> bool:
    return isinstance(name, str) and name in timezone_names()


def current_timezone_name() -> str:
    """The signed-in user's zone, else the default (Flask-Babel's timezone selector)."""
    if has_request_context() and current_user and current_user.is_authenticated \
            and is_timezone(getattr(current_user, "timezone", None)):
        return current_user.timezone
    return DEFAULT_TIMEZONE


def current_zone() -> ZoneInfo:
    try:
        return ZoneInfo(current_timezone_name())
    except ZoneInfoNotFoundError:  # a name the system's database lost since it was chosen
        return ZoneInfo(DEFAULT_TIMEZONE)


def to_local(moment: datetime) -> datetime:
    """A stored naive UTC time in the reader's zone, naive (what a form field shows)."""
    return moment.replace(tzinfo=UTC).astimezone(current_zone()).replace(tzinfo=None)


def from_local(moment: datetime) -> datetime:
    """A naive time entered in the reader's zone as the stored naive UTC time."""
    return moment.replace(tzinfo=current_zone()).astimezone(UTC).replace(tzinfo=None)


def local_text(moment: datetime, zone_name: str | None = None,
               pattern: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored naive UTC time as text in ``zone_name`` (default: the reader's zone), for
    messages and mails; pages use the ``when``/``day``/``clock`` template filters."""
    zone = ZoneInfo(zone_name) if is_timezone(zone_name) else current_zone()
    return format_datetime(moment.replace(tzinfo=UTC), pattern, tzinfo=zone, locale="en")


def zone_label(locale: str, name: str | None = None) -> str:
    """The zone as people say it, with its offset now: "中国时间 (UTC+08:00)"."""
    name = name or current_timezone_name()
    zone = ZoneInfo(name)
    offset = datetime.now(zone).strftime("%z")
    where = get_timezone_location(zone, locale="zh_CN" if locale != "en" else "en")
    return f"{where} (UTC{offset[:3]}:{offset[3:]})"


# Offered first: where most people of the pool and its employers are.
COMMON_TIMEZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
                    "Asia/Tokyo", "Asia/Seoul", "Europe/London", "Europe/Berlin",
                    "America/New_York", "America/Los_Angeles")


def timezone_choices(locale: str) -> list[tuple[str, str]]:
    """(name, label) of every zone for a select: the common ones first, then all by name."""
    rest = [name for name in timezone_names() if name not in COMMON_TIMEZONES]
    return [(name, f"{name} · {zone_label(locale, name)}")
            for name in (*COMMON_TIMEZONES, *rest)]

"""notify(): a row per recipient written in the caller's transaction, worded in the reader's
language, and an e-mail copy sent after the commit unless the recipient turned copies off."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from talentpool.accounts.service import find_user_by_email, set_locale
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.notifications import kinds, service
from talentpool.notifications.models import Notification


def outbox(app) -> list[tuple[str, str, str]]:
    return list(app.extensions.get("mail_outbox", []))


def rows() -> list[Notification]:
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


@pytest.fixture
def worded(monkeypatch):
    """A kind worded with catalogue entries that exist in both languages, so the test reads the
    language switch itself rather than one kind's translation."""
    monkeypatch.setitem(kinds.KINDS, "test_kind", kinds.Kind(
        lambda p: _("Saved searches"), lambda p: _("Level %(n)d or higher", n=p["n"])))


def test_notify_writes_nothing_and_mails_nothing_until_the_callers_commit(app, make_user):
    email = make_user(Role.TRAINEE)
    with app.app_context():
        user = find_user_by_email(email)
        service.notify(user.id, "contact_request", {"organisation": "Data Lab"},
                       "/talent/requests")
        assert outbox(app) == []
        db.session.commit()
        [row] = rows()
        assert (row.user_id, row.kind, row.link) == (user.id, "contact_request",
                                                     "/talent/requests")
        assert row.params == {"organisation": "Data Lab"} and row.read_at is None
        [(to, subject, _body)] = outbox(app)
        assert to == email and "Data Lab" in subject


def test_a_rolled_back_use_case_leaves_no_row_and_no_mail(app, make_user):
    email = make_user(Role.TRAINEE)
    with app.app_context():
        user = find_user_by_email(email)
        service.notify(user.id, "contact_request", {"organisation": "Data Lab"}, "/talent/requests")
        db.session.rollback()
        db.session.commit()  # a later, unrelated commit sends nothing left over
        assert rows() == [] and outbox(app) == []


def test_bad_calls_are_refused(app, make_user):
    email = make_user(Role.TRAINEE)
    with app.app_context():
        user_id = find_user_by_email(email).id
        for kind, params, link in (("no_such_kind", {}, "/home"),
                                   ("contact_request", {"organisation": "X"}, "https://evil.example/"),
                                   ("contact_request", {"organisation": "X"}, "//evil.example/"),
                                   ("contact_request", {}, "/talent/requests")):
            with pytest.raises((ValueError, KeyError)):
                service.notify(user_id, kind, params, link)
        db.session.commit()
        assert rows() == [] and outbox(app) == []


def test_a_stored_notification_reads_in_the_language_of_its_reader(app, make_user, worded):
    email = make_user(Role.TRAINEE)
    with app.app_context():
        user_id = find_user_by_email(email).id
        service.notify(user_id, "test_kind", {"n": 3}, "/home", mail=False)
        db.session.commit()
        with app.test_request_context():
            with force_locale("en"):
                [english] = service.page_of(user_id).items
            with force_locale("zh_CN"):
                [chinese] = service.page_of(user_id).items
        assert (english.title, english.body) == ("Saved searches", "Level 3 or higher")
        assert (chinese.title, chinese.body) == ("已保存的搜索", "3 级或更高")
        assert rows()[0].params == {"n": 3}  # data, not text


def test_the_mail_copy_is_in_the_recipients_language_not_the_actors(app, make_user, worded):
    chinese_reader, english_reader = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
    with app.app_context():
        set_locale(find_user_by_email(english_reader), "en")
        with app.test_request_context(), force_locale("en"):  # the actor reads English
            for email in (chinese_reader, english_reader):
                service.notify(find_user_by_email(email).id, "test_kind", {"n": 2}, "/home")
            db.session.commit()
    mails = {to: (subject, body) for to, subject, body in outbox(app)}
    assert mails[chinese_reader][0] == "已保存的搜索" and "2 级或更高" in mails[chinese_reader][1]
    assert mails[english_reader][0] == "Saved searches"
    assert "Level 2 or higher" in mails[english_reader][1]


def test_mail_copy_links_the_page_and_the_switch_when_the_address_is_known(app, make_user):
    email = make_user(Role.TRAINEE)
    app.config["PUBLIC_BASE_URL"] = "https://talent.example.cn"
    with app.app_context():
        service.notify(find_user_by_email(email).id, "contact_request",
                       {"organisation": "Data Lab"}, "/talent/requests")
        db.session.commit()
    [(_to, _subject, body)] = outbox(app)
    assert "https://talent.example.cn/talent/requests" in body
    assert "https://talent.example.cn/notifications" in body


def test_turning_copies_off_keeps_the_notification_and_stops_the_mail(app, make_user):
    email = make_user(Role.TRAINEE)
    with app.app_context():
        user_id = find_user_by_email(email).id
        assert service.mail_wanted(user_id)  # on by default
        service.set_mail_wanted(user_id, False)
        service.notify(user_id, "contact_request", {"organisation": "Data Lab"},
                       "/talent/requests")
        db.session.commit()
        assert len(rows()) == 1 and outbox(app) == []
        service.set_mail_wanted(user_id, True)
        service.notify(user_id, "contact_request", {"organisation": "Data Lab"},
                       "/talent/requests")
        db.session.commit()
        assert len(rows()) == 2 and len(outbox(app)) == 1


def test_mail_false_and_inactive_accounts_get_no_copy(app, make_user):
    first, second = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
    with app.app_context():
        service.notify(find_user_by_email(first).id, "contact_request",
                       {"organisation": "Data Lab"}, "/talent/requests", mail=False)
        find_user_by_email(second).active = False
        service.notify(find_user_by_email(second).id, "contact_request",
                       {"organisation": "Data Lab"}, "/talent/requests")
        db.session.commit()
        assert len(rows()) == 2 and outbox(app) == []


def test_private_values_are_mailed_but_never_stored(app, make_user):
    email = make_user(Role.EMPLOYER)
    with app.app_context():
        service.notify(find_user_by_email(email).id, "contact_accepted", {"name": "Annotator 7"},
                       "/talent/shortlists",
                       private={"email": "li.si@example.org", "phone": "138 0000 0000"})
        db.session.commit()
        assert "li.si@example.org" not in str(rows()[0].params)
    [(_to, _subject, body)] = outbox(app)
    assert "li.si@example.org" in body and "138 0000 0000" in body


def test_a_failing_mail_server_does_not_undo_the_committed_use_case(app, make_user, monkeypatch):
    email = make_user(Role.TRAINEE)

    def broken(*_args):
        raise OSError("connection refused")

    monkeypatch.setattr(service, "send_mail", broken)
    with app.app_context():
        service.notify(find_user_by_email(email).id, "contact_request",
                       {"organisation": "Data Lab"}, "/talent/requests")
        db.session.commit()  # no exception
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_an_unwordable_row_still_shows(app, make_user):
    email = make_user(Role.TRAINEE)
    with app.app_context():
        user_id = find_user_by_email(email).id
        db.session.add(Notification(user_id=user_id, kind="retired_kind", params={},
                                    link="/home"))
        db.session.add(Notification(user_id=user_id, kind="contact_request", params={},
                                    link="/home"))
        db.session.commit()
        with app.test_request_context(), force_locale("en"):
            titles = [item.title for item in service.page_of(user_id).items]
        assert titles == ["Notification", "Notification"]

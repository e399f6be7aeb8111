"""How many profiles match: exact up to the cap, "more than the cap" beyond it, on the page,
in the API and in both languages; and keywords kept by saved searches and their alerts."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from talentpool.directory.search import ResultCount, SearchQuery, first_matches, search
from talentpool.extensions import db
from tests.api_conformance import ConformingClient
from tests.directory.conftest import form_post


def counted(app, cap: int | None = None, page_size: int = 20, **args) -> ResultCount:
    with app.app_context():
        return search(SearchQuery.from_args(args), page_size=page_size, count_cap=cap).count


def test_the_count_is_exact_up_to_the_cap_and_bounded_beyond(app, pool):
    for _ in range(5):
        pool.trainee(headline="图像标注", skills={"object_detection": 70})
    pool.trainee(headline="语音")
    assert counted(app) == ResultCount(6, True)
    assert counted(app, q="图像") == ResultCount(5, True)
    assert counted(app, cap=5, q="图像") == ResultCount(5, True)
    assert counted(app, cap=4, q="图像") == ResultCount(4, False)
    assert counted(app, cap=4, q="图像", page_size=2) == ResultCount(4, False)
    # Pages past the first, the last one, and one beyond the end all give the same total.
    for page in (1, 2, 3, 4, 9):
        assert counted(app, q="图像", page_size=2, page=page) == ResultCount(5, True), page
    assert counted(app, cap=2, track="object_detection", min_skill=60) == ResultCount(2, False)
    assert counted(app, q="无人") == ResultCount(0, True)
    with app.app_context():
        assert len(first_matches(SearchQuery.from_args({"q": "图像"}), cap=0)) == 1
        assert len(first_matches(SearchQuery(), cap=100)) == 6


def test_counting_asks_for_at_most_the_cap_and_one_more_row(app, pool):
    from sqlalchemy import event

    for _ in range(3):
        pool.trainee()
    statements = []
    with app.app_context():
        listen = lambda *args: statements.append(args[2:4])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            assert len(first_matches(SearchQuery(), cap=2)) == 3
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    [(statement, parameters)] = [s for s in statements if "talent_profile" in s[0]]
    assert "ORDER BY" not in statement and "LIMIT" in statement
    assert 3 in (parameters.values() if isinstance(parameters, dict) else parameters)


def test_the_page_states_how_many_people_match(pool, monkeypatch):
    for _ in range(3):
        pool.trainee(headline="质检")
    pool.trainee(headline="审核")
    client = pool.client(pool.employer().email)
    page = client.get("/talent/search?q=质检").get_data(as_text=True)
    assert "找到 3 位人才" in page
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")
    assert "3 people found" in client.get("/talent/search?q=质检").get_data(as_text=True)
    assert "1 person found" in client.get("/talent/search?q=审核").get_data(as_text=True)
    monkeypatch.setattr("talentpool.directory.search.COUNT_CAP", 2)
    assert "More than 2 people found" in client.get("/talent/search").get_data(as_text=True)
    page = client.get("/talent/search?q=nobody+here").get_data(as_text=True)
    assert "No listed person shows all of the words “nobody here”" in page
    assert 'name="q"' in page and 'value="nobody here"' in page
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "zh_CN")
    assert "超过 2 位" in client.get("/talent/search").get_data(as_text=True)


def test_keywords_in_the_page_are_escaped_and_kept_in_links(pool):
    for _ in range(21):
        pool.trainee(headline="<b>标注</b>")
    client = pool.client(pool.employer().email)
    page = client.get("/talent/search?q=<b>标注").get_data(as_text=True)
    assert 'value="&lt;b&gt;标注"' in page and "<b>标注" not in page
    assert "q=%3Cb%3E%E6%A0%87%E6%B3%A8&amp;page=2" in page


def test_saved_searches_and_alerts_keep_the_keywords(app, pool):
    from talentpool.accounts.models import User
    from talentpool.database import utcnow
    from talentpool.directory.models import SavedSearch
    from talentpool.directory.search_alerts import matching_ids, send_alerts, set_alert
    from talentpool.notifications.models import Notification

    pool.trainee(headline="医疗影像")
    employer = pool.employer()
    client = pool.client(employer.email)
    query = "q=%E5%BD%B1%E5%83%8F+%E5%8C%BB%E7%96%97&min_skill=0"  # "影像 医疗"
    form_post(client, f"/talent/search?{query}", f"/talent/searches?{query}",
              {"name": "Imaging"})
    with app.app_context():
        saved = db.session.scalar(select(SavedSearch).where(SavedSearch.name == "Imaging"))
        assert saved.query == {"q": "影像 医疗", "min_skill": 0}
        public_id = saved.public_id
    page = client.get("/talent/search").get_data(as_text=True)
    link = urlsplit(page.split(f'data-saved-search="{public_id}"')[1].split('href="')[1]
                    .split('"')[0].replace("&amp;", "&"))
    assert parse_qs(link.query) == {"q": ["影像 医疗"], "min_skill": ["0"]}
    with app.app_context():
        set_alert(db.session.get(User, employer.user_id), public_id, True)
    newcomer = pool.trainee(headline="医疗影像分割")
    pool.trainee(headline="影像")  # one of the two words only
    with app.app_context():
        saved = db.session.scalar(select(SavedSearch).where(SavedSearch.public_id == public_id))
        assert len(matching_ids(saved)) == 2
        assert "alerted 1" in send_alerts(utcnow() + timedelta(days=1))
        [note] = db.session.scalars(select(Notification).where(
            Notification.user_id == employer.user_id, Notification.kind == "search_alert"))
        assert note.params["count"] == 1 and "q=" in note.link
    assert newcomer.profile_id in client.get(note.link).get_data(as_text=True)


@pytest.fixture
def api_client(app):
    app.test_client_class = ConformingClient
    return app.test_client()


def test_the_api_takes_keywords_and_says_how_many_match(app, pool, api_client, monkeypatch):
    wanted = pool.trainee(headline="Cantonese speech", share=("region",), region="广州")
    pool.trainee(headline="Cantonese speech", region="广州")
    token = pool.token(pool.employer(), ["search:read"])
    headers = {"Authorization": f"Bearer {token}"}
    body = api_client.get("/api/v1/talent/search?q=cantonese%20广州", headers=headers).get_json()
    assert [card["id"] for card in body["results"]] == [wanted.profile_id]
    assert (body["count"], body["count_exact"]) == (1, True)
    monkeypatch.setattr("talentpool.directory.search.COUNT_CAP", 1)
    body = api_client.get("/api/v1/talent/search?q=speech", headers=headers).get_json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (1, False, 2)
    refused = api_client.get("/api/v1/talent/search?q=" + "x" * 101, headers=headers)
    assert refused.status_code == 400 and refused.get_json()["field"] == "q"
    spec = api_client.get("/api/v1/openapi.json").get_json()
    names = [p["name"] for p in spec["paths"]["/api/v1/talent/search"]["get"]["parameters"]]
    assert "q" in names
    assert {"count", "count_exact"} <= set(spec["components"]["schemas"]["SearchPage"]
                                             ["required"])


def test_a_count_out_of_time_says_more_than_the_people_so_far(app, pool, monkeypatch):
    for _ in range(5):
        pool.trainee(headline="标注")
    monkeypatch.setattr("talentpool.directory.search.within_budget", lambda *_args: None)
    assert counted(app, q="标注", page_size=2) == ResultCount(2, False)
    assert counted(app, q="标注", page_size=2, page=2) == ResultCount(4, False)
    assert counted(app, q="标注", page_size=2, page=3) == ResultCount(5, True)  # the last page
    assert counted(app, q="标注", page_size=2, page=4) == ResultCount(5, True)  # past the end


def test_pages_cut_from_the_ids_are_the_pages_of_the_ordered_walk(app, pool):
    for number in range(7):
        pool.trainee(headline="标注" if number % 2 else "质检 标注",
                     level=5 if number % 3 else None,
                     skills={"theory": 50 + 5 * number, "named_entities": 90 - 6 * number})
    with app.app_context():
        for args in ({}, {"q": "标注"}, {"q": "质检", "sort": "skill"}, {"sort": "recent"},
                     {"track": "theory", "q": "标注"}, {"track": "named_entities",
                                                      "sort": "skill"}):
            for page in (1, 2, 3):
                query = SearchQuery.from_args({**args, "page": page})
                from_ids = search(query, page_size=3)
                walked = search(query, page_size=3, count_cap=0)
                assert from_ids.count.exact and not walked.count.exact
                assert [p.id for p in from_ids.profiles] == [p.id for p in walked.profiles]
                assert from_ids.has_next == walked.has_next

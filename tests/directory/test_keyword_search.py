"""Keyword search: what matches (every word, any case or width, Chinese as a substring,
wildcards as plain characters), that only what a person shows can match, and that the
stored text follows profile edits, consent changes and new tracks."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from talentpool.directory.keywords import (
    MAX_QUERY, clean_query, normalise, query_terms, searchable_text, term_pattern,
)

ALPHABET = "标注数据语音北京王伟aB_%\\ ＡＢ-·\n"


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(st.text(alphabet=ALPHABET, max_size=10), max_size=3),
       query=st.text(alphabet=ALPHABET, min_size=1, max_size=5))
def test_a_pattern_matches_exactly_when_every_term_is_in_the_shown_text(texts, query):
    shown = "\n".join(normalise(text) for text in texts)
    stored = searchable_text(texts)
    connection = sqlite3.connect(":memory:")
    for term in query_terms(query):
        matched = connection.execute("SELECT ? LIKE ? ESCAPE '\\'",
                                     (stored, term_pattern(term))).fetchone()[0]
        assert bool(matched) == (term in shown), (texts, term, stored)


def test_short_chinese_terms_are_asked_for_as_stored_pieces():
    assert term_pattern("标注") == "% 标注 %" and term_pattern("王") == "% 王 %"
    assert term_pattern("数据标注") == "%数据标注%" and term_pattern("ai") == "%ai%"
    assert term_pattern("5%_\\") == "%5\\%\\_\\\\%"
    stored = searchable_text(["数据标注", "NER"])
    assert " 标注 " in stored and " 数 " in stored and " 据标 " in stored


def test_queries_are_cleaned_and_limited():
    assert clean_query("  a\x00b\tc\u200bd\r\n e ") == "a b c d e"
    assert len(clean_query("词" * 500)) == MAX_QUERY
    assert normalise("ＮＥＲ Speech") == "ner speech"
    assert query_terms("NER ner Ｎｅｒ 标注") == ["ner", "标注"]


def found(app, **args) -> set[str]:
    from talentpool.directory.search import SearchQuery, search

    with app.app_context():
        return {profile.public_id for profile in
                search(SearchQuery.from_args(args), page_size=100).profiles}


def test_every_word_must_match_in_any_case_or_width(app, pool):
    both = pool.trainee(headline="Medical imaging NER", pool_name="Lin")
    one = pool.trainee(headline="Legal NER")
    assert found(app, q="ner") == {both.profile_id, one.profile_id}
    assert found(app, q="NER medical") == {both.profile_id}
    # Full-width letters and an ideographic space.
    assert found(app, q="ＮＥＲ　ＭＥＤＩＣＡＬ") == {both.profile_id}
    assert found(app, q="ner lin") == {both.profile_id}  # the display name counts
    assert found(app, q="ner surgery") == set()


def test_chinese_is_matched_as_a_substring(app, pool):
    person = pool.trainee(headline="擅长医疗影像标注，三年经验")
    other = pool.trainee(headline="法律文书分类")
    for words in ("影像", "标", "医疗影像标注", "三年经验", "影像 经验", "注，三"):
        assert found(app, q=words) == {person.profile_id}, words
    assert found(app, q="影标") == set()
    assert found(app, q="文书") == {other.profile_id}


def test_track_names_match_in_both_languages(app, pool):
    speech = pool.trainee(skills={"speech_transcription": 70})
    pool.trainee(skills={"theory": 90})
    for words in ("语音转写", "语音", "转", "speech", "Transcription"):
        assert found(app, q=words) == {speech.profile_id}, words
    assert found(app, q="语音", track="speech_transcription") == {speech.profile_id}
    assert found(app, q="语音", track="theory") == set()


def test_wildcards_are_plain_characters(app, pool):
    percent = pool.trainee(headline="100% accuracy on a_b labels")
    plain = pool.trainee(headline="1000 accuracy on axb labels")
    assert found(app, q="100%") == {percent.profile_id}
    assert found(app, q="%") == {percent.profile_id}
    assert found(app, q="a_b") == {percent.profile_id}
    assert found(app, q="_") == {percent.profile_id}
    assert found(app, q="accuracy") == {percent.profile_id, plain.profile_id}
    assert found(app, q="\\") == set()


def test_fields_a_person_does_not_show_never_match(app, pool):
    hidden = pool.trainee(region="深圳", languages=("ja",), name="Zhao Secret",
                          phone="+86 755 1234 5678")
    shown = pool.trainee(share=("region", "real_name"), region="深圳", name="Qian Visible")
    assert found(app, q="深圳") == {shown.profile_id}
    assert found(app, q="深") == {shown.profile_id}
    assert found(app, q="secret") == found(app, q="zhao") == set()
    assert found(app, q="visible") == {shown.profile_id}
    assert found(app, q="1234") == found(app, q="japanese") == found(app, q="日语") == set()
    assert found(app, q=hidden.email) == set()


def test_the_text_follows_consent_edits_and_new_tracks(app, pool):
    from talentpool.accounts.models import User
    from talentpool.directory import profiles
    from talentpool.directory.placement import recompute_tier
    from talentpool.extensions import db
    from talentpool.practice.models import SkillEstimate

    person = pool.trainee(share=("region",), region="成都", headline="质检")
    assert found(app, q="成都") == {person.profile_id}
    with app.app_context():
        user = db.session.get(User, person.user_id)
        profiles.give_consent(user, [])  # consent renewed without the region
    assert found(app, q="成都") == set()
    with app.app_context():
        user = db.session.get(User, person.user_id)
        profiles.update_profile(user, {"headline": "点云标注"})
    assert found(app, q="点云") == {person.profile_id} and found(app, q="质检") == set()
    with app.app_context():
        db.session.add(SkillEstimate(user_id=person.user_id, track="llm_preference", theta=0,
                                     se=0.3, score=77, score_se=3.75, n_items=20,
                                     provisional=False))
        db.session.commit()
        recompute_tier(person.user_id)
    assert found(app, q="偏好排序") == {person.profile_id}
    with app.app_context():
        profiles.withdraw_consent(db.session.get(User, person.user_id))
    assert found(app, q="点云") == set()


def test_the_shown_texts_are_those_of_the_employer_card(app, pool):
    from talentpool.accounts.models import User
    from talentpool.assessment.tracks import TRACKS_BY_ID
    from talentpool.directory.keywords import shown_texts
    from talentpool.directory.models import TalentProfile
    from talentpool.directory.privacy import employer_card
    from talentpool.extensions import db

    for share in ((), ("region", "languages", "real_name")):
        person = pool.trainee(share=share, region="杭州", languages=("en",), headline="标注",
                              skills={"theory": 60, "named_entities": 70}, name="Wu Real")
        with app.app_context():
            profile = db.session.scalar(db.select(TalentProfile).where(
                TalentProfile.public_id == person.profile_id))
            card = employer_card(profile, with_certificates=False)
            visible = [card["pool_name"], card["headline"], card.get("region", ""),
                       card.get("real_name", "")]
            for skill in card["skills"]:
                visible += [TRACKS_BY_ID[skill["track"]].zh, TRACKS_BY_ID[skill["track"]].en]
            texts = shown_texts(profile.pool_name, profile.headline,
                                [s.track for s in profile.skills], profile.region,
                                profile.share_region,
                                db.session.get(User, profile.user_id).display_name,
                                profile.share_real_name)
            assert set(texts) <= set(visible)

"""Apps made in one test process share Werkzeug's compiled URL builders (tests/url_builders.py):
each shared builder is the very code Werkzeug compiles for that rule, and URLs come out the
same."""

from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.routing import Map, Rule

from tests.conftest import make_app
from tests.url_builders import builder_key, werkzeug_compile_builder


@pytest.fixture
def two_apps(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    return make_app(tmp_path / "a"), make_app(tmp_path / "b")


def test_apps_share_the_builders_werkzeug_would_compile(two_apps):
    first, second = two_apps
    rules = {(rule.rule, rule.endpoint): rule for rule in first.url_map.iter_rules()}
    assert len(rules) > 150
    shared = 0
    for rule in second.url_map.iter_rules():
        twin = rules[rule.rule, rule.endpoint]
        for bound, twin_bound, append_unknown in ((rule._build, twin._build, False),
                                                  (rule._build_unknown, twin._build_unknown,
                                                   True)):
            own = werkzeug_compile_builder(rule, append_unknown)  # outside the cache
            assert bound.__func__.__code__ == own.__code__, rule.rule
            shared += bound.__func__ is twin_bound.__func__
    assert shared == 2 * len(rules)  # every builder compiled once for both apps


def test_urls_with_arguments_and_query_strings_are_built_alike(two_apps):
    for app in two_apps:
        with app.test_request_context():
            assert url_for("cohorts.plan", public_id="abc") == "/cohorts/abc/plan"
            assert url_for("static", filename="css/x.css", v=3) == "/static/css/x.css?v=3"


def test_a_default_folded_into_its_rule_is_compiled_as_usual():
    folded = Rule("/page/<int:n>", defaults={"n": 3}, endpoint="page")
    plain = Rule("/page/<int:n>", endpoint="page")
    Map([folded, plain])
    assert builder_key(folded, True) is None
    assert builder_key(plain, True) == (True, "/page/<int:n>", tuple(plain._trace), ())

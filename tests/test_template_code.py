"""Apps made in one test process share compiled Jinja templates (tests/template_code.py), and
never share them across a changed source or an environment that compiles differently."""

from __future__ import annotations

from jinja2 import DictLoader, Environment, pass_context

from tests.conftest import make_app
from tests.template_code import SharedTemplateCode, shared_template_code


def test_a_second_app_runs_the_code_the_first_compiled(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = make_app(tmp_path / "a"), make_app(tmp_path / "b")
    one = first.jinja_env.get_template("accounts/login.html")
    stored = len(shared_template_code.code)
    other = second.jinja_env.get_template("accounts/login.html")
    assert len(shared_template_code.code) == stored
    assert other is not one
    assert other.root_render_func.__code__ is one.root_render_func.__code__
    for app in (first, second):
        with app.test_request_context():
            assert "<form" in app.test_client().get("/accounts/login").get_data(as_text=True)

    second.jinja_env.filters["loud"] = pass_context(lambda _context, text: text.upper())
    second.jinja_env.cache.clear()  # load the template again, not the app's loaded one
    recompiled = second.jinja_env.get_template("accounts/login.html")
    assert recompiled.root_render_func.__code__ is not one.root_render_func.__code__


def test_a_changed_source_is_compiled_again():
    cache, sources = SharedTemplateCode(), {"page.html": "first {{ x }}"}

    def render() -> str:
        environment = Environment(loader=DictLoader(sources), bytecode_cache=cache)
        return environment.get_template("page.html").render(x=1)

    assert render() == "first 1"
    sources["page.html"] = "second {{ x }}"
    assert render() == "second 1"
    assert len(cache.code) == 2


def test_escaping_and_syntax_settings_are_part_of_the_key():
    cache, sources = SharedTemplateCode(), {"page.html": "{{ x }}<% x %>"}

    def render(**settings) -> str:
        environment = Environment(loader=DictLoader(sources), bytecode_cache=cache, **settings)
        return environment.get_template("page.html").render(x="<b>")

    assert render(autoescape=True) == "&lt;b&gt;<% x %>"
    assert render(autoescape=False) == "<b><% x %>"
    assert render(variable_start_string="<%", variable_end_string="%>") == "{{ x }}<b>"
    assert render(autoescape=True) == "&lt;b&gt;<% x %>"
    assert len(cache.code) == 3

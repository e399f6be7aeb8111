"""Compiled Jinja templates, shared by the apps of one test process.

Every app has its own Jinja environment and compiles each template it renders from source (parse,
generate Python, ``compile``): some 30 ms a template, several times in every test that renders
pages, because each test makes a new app. Jinja can keep the compiled code in a bytecode cache
instead; this one keeps code objects in memory, so the second app that renders a template only
runs the module code.

Jinja rejects cached code whose template source changed (the source's checksum). The key adds
what else the generated code depends on: the template's name and file, the environment's syntax
settings, whether the template is autoescaped, the extensions, and which filters and tests exist
and what they are passed (context, eval context, environment). Apps made alike share; an app
configured differently compiles for itself.
"""

from __future__ import annotations

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from jinja2.nodes import EvalContext

_SYNTAX = ("block_start_string", "block_end_string", "variable_start_string",
           "variable_end_string", "comment_start_string", "comment_end_string",
           "line_statement_prefix", "line_comment_prefix", "trim_blocks", "lstrip_blocks",
           "newline_sequence", "keep_trailing_newline", "optimized", "is_async")


def environment_key(environment: Environment, name: str | None) -> tuple:
    """What the code Jinja generates for template ``name`` depends on, besides its source."""
    def passed(functions: dict) -> tuple:
        return tuple(sorted((key, repr(getattr(function, "jinja_pass_arg", None)))
                            for key, function in functions.items()))

    return (type(environment).__qualname__,
            tuple(getattr(environment, setting) for setting in _SYNTAX),
            EvalContext(environment, name).autoescape,
            environment.finalize is not None,
            tuple(sorted(environment.extensions)),
            passed(environment.filters), passed(environment.tests))


class SharedTemplateCode(BytecodeCache):
    """Jinja bytecode cache in memory, shared between environments with equal keys."""

    def __init__(self) -> None:
        self.code: dict[tuple[str, str], object] = {}

    def get_bucket(self, environment: Environment, name: str, filename: str | None,
                   source: str) -> Bucket:
        key = repr((name, filename, environment_key(environment, name)))
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = self.code.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key, bucket.checksum] = bucket.code

    def clear(self) -> None:
        self.code.clear()


#: The cache ``tests.conftest.make_app`` gives every app it makes.
shared_template_code = SharedTemplateCode()

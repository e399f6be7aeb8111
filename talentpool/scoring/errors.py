"""The one exception every scorer raises for malformed input."""

from __future__ import annotations


class ScoringError(ValueError):
    """A spec, gold answer or trainee answer does not have the documented shape.

    The message starts with the path of the offending field, for example
    ``answer.boxes[2].x: must be a number``, so it can be shown to whoever wrote
    the input (an exam-pack author or a trainee's browser).
    """

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem

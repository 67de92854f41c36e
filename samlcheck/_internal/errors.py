"""The one exception for input samlcheck cannot read at all (the CLI exits 2 with its message)."""

from __future__ import annotations


class InputError(Exception):
    """Input that cannot be read: says which input, what is wrong and what to do."""

    def __init__(self, source: str, problem: str, hint: str = "") -> None:
        self.source = source
        self.problem = problem
        self.hint = hint
        super().__init__(self.line)

    @property
    def line(self) -> str:
        """'source: problem. hint': the one line the CLI prints."""
        text = f"{self.source}: {self.problem}"
        return f"{text}. {self.hint}" if self.hint else text

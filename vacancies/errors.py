"""The one exception hierarchy of Spoorzoeker.

Every error a coach or operator can act on is a `SpoorzoekerError`; the CLI
turns it into a one-line message and exit code 2. Messages are in plain Dutch.
"""

from __future__ import annotations


class SpoorzoekerError(Exception):
    """An error with a message a coach or operator can act on."""


class InputError(SpoorzoekerError):
    """A record or file that cannot be read: names the file, line and field."""

    def __init__(self, message: str, *, file: str = "-", line: int | None = None,
                 field: str | None = None) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.reason = message
        where = file if line is None else f"{file}:{line}"
        detail = f"veld '{field}': {message}" if field else message
        super().__init__(f"{where}: {detail}")


class ConfigError(SpoorzoekerError):
    """A settings or sources file that is wrong: names the source and key."""


class ProfileError(SpoorzoekerError):
    """A capability profile that does not follow the FML format."""

"""What a crawl checks before it starts: settings, header values, the data directory.

Each check raises ``ConfigError`` with the one line ``python -m crawler crawl``
prints before it exits with status 2 (bad usage or configuration), so that a
mistake on the command line is reported at once and never as a traceback in
the middle of a crawl:

- ``parse_overrides`` and ``check_overrides``: ``--set NAME=VALUE`` pairs, each
  value of the type the setting has (a number, a boolean, a JSON object, an
  importable class), a known log level, a non-negative delay;
- ``check_header_values``: the contact, the User-Agent and the default request
  headers hold no control character (a CR or LF would start a new header line
  in every request and in the WARC records);
- ``check_data_dir``: ``raw/``, ``state/`` and ``logs/`` under the data
  directory can be created and written.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

#: The directories a crawl writes under its data directory.
DATA_SUBDIRS = ("raw", "state", "logs")

# Settings whose value is a table of components (class path -> order): each
# path must import, or the crawl would fail once started.
_COMPONENT_TABLES = frozenset(
    {
        "DOWNLOADER_MIDDLEWARES",
        "SPIDER_MIDDLEWARES",
        "ITEM_PIPELINES",
        "EXTENSIONS",
        "ADDONS",
    }
)
# Numbers that make no sense below zero (seconds, sizes, counts).
_NON_NEGATIVE = frozenset(
    {
        "DOWNLOAD_DELAY",
        "DOWNLOAD_TIMEOUT",
        "DOWNLOAD_MAXSIZE",
        "DOWNLOAD_WARNSIZE",
        "RETRY_TIMES",
        "REDIRECT_MAX_TIMES",
        "AUTOTHROTTLE_START_DELAY",
        "AUTOTHROTTLE_MAX_DELAY",
        "SXCRAWL_RETRY_BACKOFF",
        "SXCRAWL_RETRY_BACKOFF_MAX",
    }
)
_POSITIVE = frozenset(
    {
        "CONCURRENT_REQUESTS",
        "CONCURRENT_REQUESTS_PER_DOMAIN",
        "CONCURRENT_ITEMS",
        "AUTOTHROTTLE_TARGET_CONCURRENCY",
        "SXCRAWL_WARC_MAX_BYTES",
    }
)


class ConfigError(ValueError):
    """A setting, header value or path the crawl cannot start with (one line)."""


def parse_overrides(pairs: Iterable[str]) -> dict[str, str]:
    """``--set NAME=VALUE`` pairs as a dict (the last of a repeated name wins)."""
    result = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--set expects NAME=VALUE, got {pair!r}")
        result[name.strip()] = value
    return result


def check_overrides(overrides: Mapping[str, str], base: BaseSettings) -> list[str]:
    """Check each value against the type of the setting's default in ``base``.

    Returns warnings for names ``base`` does not know (a typo, or a setting of
    a component not in the defaults: passed on as given); raises ``ConfigError``
    for a value the crawl could not use.
    """
    warnings = []
    for name, value in overrides.items():
        if name not in base:
            warnings.append(
                f"--set {name}: not a Scrapy or crawler setting (a typo?); passed on as given"
            )
            continue
        problem = _value_problem(name, value, base[name])
        if problem:
            raise ConfigError(f"--set {name}={value}: {problem}")
    return warnings


def _value_problem(name: str, value: str, default: Any) -> str | None:
    """What is wrong with ``value`` for the setting ``name``, or None."""
    probe = BaseSettings({name: value})
    number: float | None = None
    try:
        if isinstance(default, bool):
            probe.getbool(name)
        elif isinstance(default, int | float):
            number = probe.getfloat(name)
        elif isinstance(default, dict | BaseSettings):
            table = probe.getdict(name)
            if name in _COMPONENT_TABLES:
                for path, order in table.items():
                    if order is not None:
                        load_object(path)
    except json.JSONDecodeError as exc:
        return f"not a JSON object ({exc.msg})"
    except (ImportError, NameError, AttributeError) as exc:
        return f"cannot import a component it names ({exc})"
    except (TypeError, ValueError) as exc:
        kind = "a boolean" if isinstance(default, bool) else "a number"
        return f"{name} is {kind} (default {default!r}): {exc}"
    if number is not None:
        if name in _NON_NEGATIVE and number < 0:
            return "must be zero or more"
        if name in _POSITIVE and number <= 0:
            return "must be more than zero"
    if name == "LOG_LEVEL" and not isinstance(
        logging.getLevelName(value.upper()), int
    ):  # getLevelName maps known names to numbers
        return "not a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)"
    if isinstance(default, str) and _is_object_path(default):
        try:
            load_object(value)
        except (ImportError, NameError, AttributeError, ValueError) as exc:
            return f"cannot import {value!r} ({exc})"
    return None


def _is_object_path(value: str) -> bool:
    """Whether a default is the dotted path of a class or function (a component)."""
    if "." not in value or " " in value or "/" in value:
        return False
    try:
        load_object(value)
    except (ImportError, NameError, AttributeError, ValueError):
        return False
    return True


def control_character(value: str) -> str | None:
    """The first control character of a header value (HTAB is allowed), or None."""
    for char in value:
        if (ord(char) < 0x20 and char != "\t") or ord(char) == 0x7F:
            return char
    return None


def check_header_values(values: Mapping[str, object]) -> None:
    """Refuse header values (named for the message) that hold a control character."""
    for what, value in values.items():
        char = control_character(str(value))
        if char is not None:
            raise ConfigError(
                f"{what} contains the control character {char!r}: refused (it would"
                " start a new line in every request's headers and in the WARC records)"
            )


def header_values(settings: BaseSettings) -> dict[str, object]:
    """The values a crawl with ``settings`` puts in request headers, by where they come from."""
    values: dict[str, object] = {
        "the contact (--contact, $SXCORPUS_CONTACT, SXCRAWL_CONTACT)": settings.get(
            "SXCRAWL_CONTACT", ""
        ),
        "USER_AGENT": settings.get("USER_AGENT", ""),
    }
    for name, value in settings.getdict("DEFAULT_REQUEST_HEADERS").items():
        values[f"DEFAULT_REQUEST_HEADERS name {name!r}"] = name
        values[f"DEFAULT_REQUEST_HEADERS[{name!r}]"] = value
    return values


def check_data_dir(data: Path) -> None:
    """Create ``raw/``, ``state/`` and ``logs/`` under ``data`` and check each is writable."""
    if data.exists() and not data.is_dir():
        raise ConfigError(f"--data-dir {data}: not a directory")
    for sub in DATA_SUBDIRS:
        path = data / sub
        probe = path / f".write-test-{os.getpid()}"
        try:
            path.mkdir(parents=True, exist_ok=True)
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
            probe.unlink()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ConfigError(f"--data-dir {data}: cannot write in {path}: {reason}") from exc

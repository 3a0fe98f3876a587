"""The one exception family of the cleaning stage, and every drop reason.

``clean_page`` either returns a ``Record`` or raises a ``CleaningError``
whose ``reason`` is one of the stable names below; nothing else escapes.
The batch stage adds the reasons of documents or files it could not read;
``DROP_REASONS`` lists them all, and the errors table's ``reason`` column
only ever holds one of them.
"""

from __future__ import annotations

# --- reasons a page is refused by ``clean_page`` -------------------------------

EMPTY = "empty"
NO_TEXT = "no-text"
UNDECODABLE = "undecodable"
TOO_LARGE = "too-large"
NOT_AN_ARTICLE = "not-an-article"
INTERNAL = "internal"

# --- reasons of the batch stage: a record, a file or a worker failed ----------

CORRUPT_RECORD = "corrupt-record"
HTTP_ERROR = "http-error"
UNREADABLE = "unreadable"
EMPTY_FILE = "empty-file"
NOT_WARC = "not-warc"
NOT_A_FILE = "not-a-file"
POISONED = "poisoned"

#: Every reason of the errors table, with what it means (docs/dataset.md's table).
DROP_REASONS: dict[str, str] = {
    EMPTY: "no bytes, or no text once decoded and stripped",
    NO_TEXT: "text, but nothing readable in it: no Chinese and no Latin words "
    "(a page of question marks or private-use characters)",
    UNDECODABLE: "no encoding gives plausible text",
    TOO_LARGE: "over the cleaner's size limit for one document",
    NOT_AN_ARTICLE: "a listing, navigation-only or error page",
    INTERNAL: "a bug in the cleaner; detail has the exception",
    CORRUPT_RECORD: "the WARC record cannot be read; detail says what is damaged "
    "(gzip data, header, digest, cut short, file truncated) and at which byte; "
    "reading resumed at the next record",
    HTTP_ERROR: "the archived response is not a 2xx (detail has the status line)",
    UNREADABLE: "the raw file or directory cannot be opened or read (permissions, "
    "a dangling link, an I/O error); retried when it changes",
    EMPTY_FILE: "the raw file has zero bytes; retried when it changes",
    NOT_WARC: "a file named .warc/.warc.gz that is not a WARC file (detail says "
    "what it starts with); retried when it changes",
    NOT_A_FILE: "a named pipe, socket or device among the raw files: never opened",
    POISONED: "the worker cleaning this file died on each of its tries, across "
    "runs; the file is kept for `process --retry-failed`",
}


class CleaningError(Exception):
    """A document that cannot become a record, with a stable ``reason``.

    Reasons raised by ``clean_page``: ``empty``, ``no-text``,
    ``undecodable``, ``too-large``, ``not-an-article`` and ``internal`` (a
    bug in the cleaner; the message carries the details). See
    ``DROP_REASONS``.
    """

    reason = "error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.reason)


class EmptyDocument(CleaningError):
    reason = EMPTY


class NoReadableText(CleaningError):
    reason = NO_TEXT


class UndecodableDocument(CleaningError):
    reason = UNDECODABLE


class DocumentTooLarge(CleaningError):
    reason = TOO_LARGE


class NotAnArticle(CleaningError):
    reason = NOT_AN_ARTICLE


class InternalCleaningError(CleaningError):
    reason = INTERNAL


assert all(
    cls.reason in DROP_REASONS
    for cls in (
        EmptyDocument,
        NoReadableText,
        UndecodableDocument,
        DocumentTooLarge,
        NotAnArticle,
        InternalCleaningError,
    )
)

"""The one exception family of the cleaning stage.

``clean_page`` either returns a ``Record`` or raises a ``CleaningError``
whose ``reason`` is one of the stable names below; nothing else escapes.
The batch stage writes ``reason`` into the errors table and counts
``cleaning/dropped/<reason>``.
"""

from __future__ import annotations


class CleaningError(Exception):
    """A document that cannot become a record, with a stable ``reason``.

    Reasons:

    - ``empty``: no bytes, or no text once decoded and stripped.
    - ``undecodable``: no encoding gives plausible text.
    - ``too-large``: over the size limit for one document.
    - ``not-an-article``: a listing, navigation-only or error page.
    - ``internal``: a bug in the cleaner; the message carries the details.
    """

    reason = "error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.reason)


class EmptyDocument(CleaningError):
    reason = "empty"


class UndecodableDocument(CleaningError):
    reason = "undecodable"


class DocumentTooLarge(CleaningError):
    reason = "too-large"


class NotAnArticle(CleaningError):
    reason = "not-an-article"


class InternalCleaningError(CleaningError):
    reason = "internal"

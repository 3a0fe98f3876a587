"""One fetched document (bytes) to one ``Record``: ``clean_page``.

Decode (``decode``), tell the document's kind and parse it (``documents``),
find the article (``sites`` for configured sources, ``extract`` otherwise),
strip furniture and stock links (``furniture``, ``stocklinks``), read the
metadata (``metadata``), then repair title and body with ``cleaning.text``.
The order is the tuple ``PAGE_STAGES`` in ``stages``; ``clean`` turns the
final state into a record.

Imports run page -> text, never back; nothing here imports ``cleaning.batch``.
"""

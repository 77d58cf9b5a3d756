"""Job search on Meilisearch: index settings, documents, query parsing and querying (no web framework).

- ``search.server``: ``start_local(data_dir, *, port=None, master_key) -> LocalMeili`` (loopback, for dev/tests)
- ``search.client``: ``SearchEngine`` (short timeouts on every call), ``ensure_search_key(master) -> str``
- ``search.settings``: ``index_settings()``, ``synonyms()`` (taxonomy aliases + ``synonyms_extra.json``)
- ``search.documents``: ``job_document(posting) -> dict``
- ``search.query``: ``parse_query(text) -> ParsedQuery``
- ``search.jobs``: ``search_jobs(engine, JobQuery) -> Page``
- ``search.indexing``: ``ensure_index``, ``reindex`` (build + swap), ``upsert_documents``, ``delete_documents``,
  ``reconcile``
- ``python -m search.relevance --data DIR``: the relevance benchmark
"""

"""Job search on Meilisearch: index settings, documents, query parsing and querying (no web framework)."""

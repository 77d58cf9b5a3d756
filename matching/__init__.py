"""Job ranking: features, model and offline evaluation for matching workers and postings (no web framework)."""

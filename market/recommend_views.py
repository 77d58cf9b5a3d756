"""Recommendations for workers and candidates for postings, over the API."""

"""The work log (记工)."""

"""Workers report postings that look wrong; staff read the reports."""

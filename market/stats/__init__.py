"""The labour bureau's statistics: where workers come from and where they go to work."""

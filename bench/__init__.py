"""Benchmarks: commands that print figures (search, live, load). They may import every floor; nothing imports them."""

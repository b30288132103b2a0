"""Recognisers of official layout *shapes* (never of particular files or years)."""

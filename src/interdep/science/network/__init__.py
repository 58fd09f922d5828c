"""Couple networks."""

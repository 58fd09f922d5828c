"""Interdep: build an interdependent relationship, and study one."""

__version__ = "0.1.0"

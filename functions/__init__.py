"""Tongda."""

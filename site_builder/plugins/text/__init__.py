"""``tongda-text``: every page also as a plain-text HTML page under ``text/``."""

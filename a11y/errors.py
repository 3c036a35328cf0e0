"""Errors of the accessibility checks (the package runs on any built site, alone)."""

from __future__ import annotations


class A11yConfigError(ValueError):
    """A mistake in the checks' options (modes, waivers), naming where it is.

    The site builder turns it into its own ``ConfigError`` with the same message.
    """

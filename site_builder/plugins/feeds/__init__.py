"""Subscriptions: Atom and JSON Feed per topic, audience, issuer and level."""

"""The ``tongda-engage`` plugin: data for subscriptions and push, consultation on drafts."""

"""The ``tongda-search`` plugin: builds the sharded search index and the results page."""

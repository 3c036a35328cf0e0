"""The ``tongda-qa`` plugin: the 智能问答 page and what the Q&A function reads beside the index."""

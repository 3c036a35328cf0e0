"""政策找企业: subscriptions and matched push, consultation on drafts (征求意见), 政声."""

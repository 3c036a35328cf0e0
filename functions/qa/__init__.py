"""The Q&A function (智能问答): answers from the search index the site ships."""

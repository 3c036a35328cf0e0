"""The policy graph: citations found in the text, graph JSON, pictures and the explorer."""

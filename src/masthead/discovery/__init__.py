"""Discovery: how indexers, harvesters and other software find the content."""

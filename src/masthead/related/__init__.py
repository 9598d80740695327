"""Related research: People also read, Recommended articles, and the Cited-by tab."""

"""Research views over an archive: search, attention over time, sentences, the front page."""

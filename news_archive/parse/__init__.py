"""Read one article file into an Article: plain data, no database (bytes → header and body → Article)."""

"""Turn a folder of archived Chinese-language news articles into one SQLite database for Datasette."""

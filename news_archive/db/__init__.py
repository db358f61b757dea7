"""The archive database: its schema, what the build writes into it, and the tables derived from it.

Read in the order a file's rows travel: parsed (what the database saves of one file), schema and
ids (the tables; the id of each kind of row), rows (the rows a parsed file becomes), save (a full
build: save_file() per file, then finish()), articles (inserting and deleting one article's rows),
buffer (batched inserts), fts (the search index and its buffer), links (links between archived
articles), authors (one spelling per author), versions (which version an article shows), summaries
(tables derived for the canned queries). Only when you need them: history (the saved texts of
edited articles and their changes) and incremental (what an incremental build does besides saving).
"""

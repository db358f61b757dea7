"""Build archive.db from the article files in seeds/ (see `python build_db.py --help`)."""

from news_archive.build.cli import main

if __name__ == "__main__":
    main()

"""Places named in articles: an offline gazetteer of Chinese place names and a matcher (pure functions)."""

from .article import NormalizedTexts, article_places, text_units
from .gazetteer import NOT_PLACE, Place, countries, country_of, places
from .match import Mention, find_places, place_ids

__all__ = [
    "NOT_PLACE", "Mention", "NormalizedTexts", "Place", "article_places", "countries", "country_of", "find_places",
    "place_ids", "places", "text_units",
]

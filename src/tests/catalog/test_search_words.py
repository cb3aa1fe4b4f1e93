"""The words of the catalogue's search (`ocop.catalog.queries.search`): how a text is cut and
folded, how a query is cleaned and capped. No database."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.catalog.queries.search import (
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    CatalogFilters,
    folded_words,
    lowered_words,
    parse_query,
    search_columns,
    text_words,
)


def test_words_are_runs_of_letters_and_digits():
    assert text_words("Trà sen (Tây Hồ), 100% tự nhiên!") == [
        "Trà",
        "sen",
        "Tây",
        "Hồ",
        "100",
        "tự",
        "nhiên",
    ]


def test_folding_drops_diacritics_and_case_and_d_with_stroke():
    assert folded_words("Đường PHÈN Đông Anh") == ["duong", "phen", "dong", "anh"]
    assert folded_words("đĐ") == ["dd"]


def test_lowered_words_keep_the_diacritics():
    assert lowered_words("Bánh CHƯNG") == ["bánh", "chưng"]


def test_decomposed_text_gives_the_same_words_as_composed():
    composed = "Bánh chưng Đường phèn Hồ"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert folded_words(decomposed) == folded_words(composed)
    assert lowered_words(decomposed) == lowered_words(composed)
    assert parse_query(decomposed) == parse_query(composed)


def test_zero_width_characters_do_not_split_a_word():
    assert folded_words("bá\u200bnh\u00adchưng") == ["banhchung"]


def test_wildcards_quotes_and_sql_are_separators():
    assert folded_words("a%b_c\\d'e\"f*g") == ["a", "b", "c", "d", "e", "f", "g"]
    assert parse_query("' OR 1=1 --").words == ("or", "1")
    assert parse_query('NEAR(banh chung) "tra"*').words == ("near", "banh", "chung", "tra")


def test_search_columns_pad_the_search_text_and_join_the_name():
    columns = search_columns("Bánh chưng (Tranh Khúc)", "HTX Đồng Tâm", "", "Xã Tân Minh")
    assert columns["name_folded"] == "banh chung tranh khuc"
    assert columns["name_lower"] == "bánh chưng tranh khúc"
    assert columns["search_text"] == " banh chung tranh khuc htx dong tam xa tan minh "
    assert columns["search_lower"] == " bánh chưng tranh khúc htx đồng tâm xã tân minh "


def test_a_query_is_folded_lowered_and_deduplicated():
    query = parse_query("  Bánh   bánh CHƯNG banh ")
    assert query.words == ("banh", "chung")
    assert query.typed == ("bánh", "chưng")
    assert query.accented
    assert query.accented_words == ("bánh", "chưng")
    assert query.phrase == "banh chung"
    assert not parse_query("banh chung").accented


def test_a_blank_query_and_a_query_without_words():
    assert parse_query("").blank
    assert parse_query("   \t\n").blank
    assert parse_query(None).blank
    assert parse_query(12).blank
    no_words = parse_query("%%% ___ \\\\ 🙂🙂")
    assert not no_words.blank
    assert no_words.words == ()


def test_control_characters_are_removed():
    query = parse_query("bánh\x00\x07 chưng\x1b")
    assert query.text == "bánh chưng"
    assert query.words == ("banh", "chung")


def test_a_long_query_is_capped():
    query = parse_query("bánh " * 2000)
    assert len(query.text) <= MAX_QUERY_CHARS
    assert query.words == ("banh",)
    many = parse_query(" ".join(f"w{n}" for n in range(50)))
    assert len(many.words) == MAX_QUERY_WORDS
    assert parse_query("x" * 10_000).words == ("x" * 60,)


def test_other_scripts_are_words():
    assert parse_query("مرحبا 你好").words == ("مرحبا", "你好")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses(text):
    query = parse_query(text)
    assert len(query.words) <= MAX_QUERY_WORDS
    assert len(query.words) == len(query.typed)
    for word in query.words:
        assert word and " " not in word and "%" not in word and "_" not in word
    assert (
        parse_query(unicodedata.normalize("NFD", text)).words
        == parse_query(unicodedata.normalize("NFC", text)).words
    )


def test_filters_built_with_q_only_parse_it():
    filters = CatalogFilters(q="Bánh chưng")
    assert filters.query.words == ("banh", "chung")
    assert filters.effective_sort == "relevance"
    assert CatalogFilters().effective_sort == "stars"
    assert CatalogFilters(sort="relevance").effective_sort == "stars"
    assert CatalogFilters(q="tra", sort="name").effective_sort == "name"

"""The query language, parsed: what each kind of input becomes."""

import pytest

from search.query import MAX_QUERY_LENGTH, MAX_TERMS, Atom, TextQuery, parse


def atoms(term):
    return [atom.word + ("*" if atom.prefix else "") for atom in term.atoms]


def test_words_are_terms_that_must_all_match():
    query = parse("Distributed  systems")
    assert [atoms(term) for term in query.include] == [["distributed"], ["systems"]]
    assert query.error is None and not query.notes


def test_a_phrase_is_one_term_of_neighbouring_words():
    query = parse('"event sourcing" pattern')
    assert [atoms(term) for term in query.include] == [["event", "sourcing"], ["pattern"]]


def test_typographic_quotes_make_phrases_too():
    assert [atoms(t) for t in parse("“event sourcing”").include] == [["event", "sourcing"]]


def test_minus_leaves_out_words_and_phrases():
    query = parse('kafka -zookeeper -"old docs"')
    assert [atoms(term) for term in query.exclude] == [["zookeeper"], ["old", "docs"]]


def test_a_hyphenated_word_is_a_phrase_of_its_parts():
    assert [atoms(term) for term in parse("e-mail").include] == [["e", "mail"]]


def test_tags_groups_and_people():
    query = parse('#Architecture #"two words" -#draft group:reading user:mei -user:bob')
    assert query.tags == ["Architecture", "two words"]
    assert query.exclude_tags == ["draft"]
    assert query.group == "reading"
    assert query.user == "mei"
    assert query.exclude_users == ["bob"]
    assert not query.include and query.error is None


def test_the_prefixes_ignore_case():
    query = parse("GROUP:reading User:mei")
    assert (query.group, query.user) == ("reading", "mei")


def test_a_second_group_is_noted_and_the_first_kept():
    query = parse("x group:a group:b")
    assert query.group == "a"
    assert query.notes


def test_cjk_becomes_a_phrase_of_bigrams_and_a_lone_character_a_prefix():
    query = parse("架构 计")
    assert [atoms(term) for term in query.include] == [["架构"], ["计*"]]
    assert atoms(parse("微服务架构").include[0]) == ["微服", "服务", "务架", "架构"]


@pytest.mark.parametrize(
    "raw",
    ['"unbalanced phrase', 'word "', '"'],
)
def test_an_unclosed_quote_is_noted_and_the_phrase_runs_to_the_end(raw):
    query = parse(raw)
    assert any("quotation mark" in note for note in query.notes)
    if raw == '"unbalanced phrase':
        assert [atoms(term) for term in query.include] == [["unbalanced", "phrase"]]


def test_only_exclusions_is_an_error():
    query = parse("-kafka -#draft")
    assert query.error and "leave things out" in query.error


def test_exclusions_beside_a_filter_are_fine():
    assert parse("#kafka -zookeeper").error is None


def test_a_lone_hash_is_noted_and_nothing_is_left():
    query = parse("#")
    assert query.notes and query.error


def test_a_lone_hash_beside_words_is_only_a_note():
    query = parse("kafka #")
    assert query.notes and query.error is None


def test_too_long_is_an_error_before_anything_else():
    query = parse("a" * 10_000)
    assert query.error and str(MAX_QUERY_LENGTH) in query.error
    phrase = '"' + " ".join(["architecture"] * 37) + ' architecturesssss"'
    assert len(phrase) == MAX_QUERY_LENGTH and parse(phrase).error is None


def test_too_many_terms_is_an_error():
    assert parse(" ".join(f"w{n}" for n in range(MAX_TERMS + 1))).error


def test_control_characters_are_removed_and_noted():
    query = parse("kaf\x00ka\x1b[31m")
    assert query.text == "kafka[31m"
    assert query.notes and query.error is None


def test_punctuation_only_finds_nothing_to_look_for():
    query = parse("!!! ???")
    assert query.error


def test_blank_is_not_an_error():
    query = parse("   ")
    assert query.is_blank and query.error is None


def test_renderings_quote_every_word():
    words = TextQuery(
        include=(parse('"a b"').include[0], parse("计").include[0]),
        exclude=(parse("c").include[0],),
    )
    assert words.as_tsquery() == "('a' <-> 'b') & ('计':*) & !('c')"
    assert words.as_fts5() == '(("a" + "b") AND ("计" *)) NOT (("c"))'


def test_renderings_escape_quotes_should_a_word_ever_hold_one():
    from search.query import Term

    odd = TextQuery(include=(Term(atoms=(Atom("it's\"\\"),), pieces=()),))
    assert odd.as_tsquery() == "('it''s\"\\\\')"
    assert odd.as_fts5() == '(("it\'s""\\"))'

"""What the index takes for a word: the same rules for documents and queries."""

from search.text import MAX_WORD_LENGTH, document, fold, pieces


def words(text: str) -> list[str]:
    return document([text]).split()


def test_words_are_folded_as_tags_are():
    assert words("Kubernetes ＫＵＢＥＲＮＥＴＥＳ Straße") == [
        "kubernetes",
        "kubernetes",
        "strasse",
    ]
    assert fold("Ⅻ") == "xii"


def test_a_chinese_run_becomes_its_bigrams_then_its_last_character():
    assert words("微服务架构设计") == ["微服", "服务", "务架", "架构", "构设", "设计", "计"]


def test_traditional_characters_are_kept_as_written():
    assert words("微服務架構設計")[:4] == ["微服", "服務", "務架", "架構"]


def test_cjk_and_latin_in_one_word_come_apart():
    assert words("用Kubernetes部署") == ["用", "kubernetes", "部署", "署"]


def test_a_single_character_run_is_itself_once():
    assert words("我 is here") == ["我", "is", "here"]


def test_run_ends_come_after_every_word_so_phrases_are_not_broken():
    assert words("设计 good; 架构 bad") == ["设计", "good", "架构", "bad", "计", "构"]


def test_underscores_and_punctuation_separate_words():
    assert words("snake_case, e-mail! C++") == ["snake", "case", "e", "mail", "c"]


def test_combining_marks_stay_inside_words():
    assert words("हिन्दी") == ["हिन्दी"]


def test_overlong_words_are_left_out():
    assert words("a" * (MAX_WORD_LENGTH + 1) + " short") == ["short"]


def test_japanese_and_korean_runs_are_cut_too():
    assert [piece.cjk for piece in pieces("カタカナ 한국어 latin")] == [True, True, False]

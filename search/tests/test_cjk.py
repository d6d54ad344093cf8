"""Chinese and Japanese are found inside longer runs, on both databases."""

import pytest

from accounts.tests.factories import UserFactory

from .conftest import result_ids, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhang(db):
    return UserFactory(display_name="張 旭")


def test_simplified_word_inside_a_longer_run(client, zhang, library):
    bookmark = library.save(zhang, title="微服务架构设计")
    library.save(zhang, title="数据库设计")
    response = search(client, "架构")
    assert result_ids(response) == [bookmark.pk]
    assert "微服务<mark>架构</mark>设计" in response.content.decode()


def test_traditional_word_inside_a_longer_run(client, zhang, library):
    bookmark = library.save(zhang, title="微服務架構設計")
    assert result_ids(search(client, "架構")) == [bookmark.pk]
    # Simplified and Traditional are different characters: no conversion.
    assert result_ids(search(client, "架构")) == []


def test_found_in_highlights_notes_descriptions_and_tags(client, zhang, library):
    by_highlight = library.save(zhang, highlights=["我们采用了领域驱动设计的方法"])
    by_note = library.save(zhang, notes=["这是关于领域驱动设计的笔记"])
    by_description = library.save(zhang, description="领域驱动设计入门")
    by_tag = library.save(zhang, tag_names=["领域驱动设计"])
    found = result_ids(search(client, "驱动"))
    assert sorted(found) == sorted(
        bookmark.pk for bookmark in (by_highlight, by_note, by_description, by_tag)
    )


def test_several_characters_must_stand_together_in_order(client, zhang, library):
    library.save(zhang, title="架 构")  # apart
    library.save(zhang, title="构架")  # reversed
    together = library.save(zhang, title="软件架构")
    assert result_ids(search(client, "架构")) == [together.pk]


def test_a_longer_query_is_the_phrase_of_its_pairs(client, zhang, library):
    bookmark = library.save(zhang, title="微服务架构设计")
    library.save(zhang, title="服务 架构")
    assert result_ids(search(client, "服务架构")) == [bookmark.pk]


def test_a_single_character_is_found_anywhere_in_a_run(client, zhang, library):
    start = library.save(zhang, title="计算机")
    middle = library.save(zhang, title="设计模式")
    end = library.save(zhang, title="总体设计")
    alone = library.save(zhang, title="计 is alone here")
    library.save(zhang, title="模式")
    assert sorted(result_ids(search(client, "计"))) == sorted(
        bookmark.pk for bookmark in (start, middle, end, alone)
    )


def test_chinese_beside_latin_in_one_word(client, zhang, library):
    bookmark = library.save(zhang, title="用Kubernetes部署微服务")
    assert result_ids(search(client, "kubernetes")) == [bookmark.pk]
    assert result_ids(search(client, "部署")) == [bookmark.pk]
    assert result_ids(search(client, '"kubernetes部署"')) == [bookmark.pk]


def test_a_phrase_across_a_run_and_a_latin_word(client, zhang, library):
    bookmark = library.save(zhang, title="设计 patterns explained")
    assert result_ids(search(client, '"设计 patterns"')) == [bookmark.pk]
    assert result_ids(search(client, '"patterns 设计"')) == []


def test_japanese_kana_and_kanji(client, zhang, library):
    bookmark = library.save(zhang, title="マイクロサービスの設計")
    assert result_ids(search(client, "サービス")) == [bookmark.pk]
    assert result_ids(search(client, "設計")) == [bookmark.pk]


def test_full_width_latin_is_found_by_ascii(client, zhang, library):
    bookmark = library.save(zhang, title="ＫＵＢＥＲＮＥＴＥＳ 入门")
    response = search(client, "kubernetes")
    assert result_ids(response) == [bookmark.pk]
    assert "<mark>ＫＵＢＥＲＮＥＴＥＳ</mark> 入门" in response.content.decode()

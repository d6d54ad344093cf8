"""The benchmark's corpus is what the snapshot benchmark promises: at least
200 varied pages of 30–300 KB, each with stylesheets and images to inline."""

from collections import Counter

import pytest
from bs4 import BeautifulSoup

from bench.corpus import MAX_PAGE_BYTES, MIN_PAGE_BYTES, build_corpus


@pytest.fixture(scope="module")
def corpus():
    return build_corpus()


def test_at_least_200_pages_of_30_to_300_kb(corpus):
    assert len(corpus.pages) >= 200
    sizes = [len(page.body) for page in corpus.pages]
    assert min(sizes) >= MIN_PAGE_BYTES and max(sizes) <= MAX_PAGE_BYTES
    # Spread over the range, not bunched at one end.
    assert sum(size < 100 * 1024 for size in sizes) > 20
    assert sum(size > 200 * 1024 for size in sizes) > 20


def test_every_page_links_stylesheets_and_images_the_server_has(corpus):
    routes = corpus.routes()
    for page in corpus.pages:
        assert any(path.endswith(".css") for path in page.resources)
        assert any(path.startswith("/img/") for path in page.resources)
        assert all(path in routes for path in page.resources)


def test_pages_come_in_several_encodings_and_decode_as_declared(corpus):
    declared = Counter()
    for page in corpus.pages:
        soup = BeautifulSoup(page.body[:400], "lxml")
        label = soup.find("meta", charset=True)["charset"]
        declared[label] += 1
        codec = {"gb2312": "gbk"}.get(label, label)
        text = page.body.decode(codec)
        assert "<title>" in text and text.rstrip().endswith("</html>")
    assert set(declared) == {"utf-8", "gb2312", "big5", "shift_jis", "windows-1252"}


def test_the_same_seed_gives_the_same_bytes():
    first, second = build_corpus(3), build_corpus(3)
    assert [p.body for p in first.pages] == [p.body for p in second.pages]

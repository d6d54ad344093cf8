import pytest

from bookmarks.canonical import InvalidURL, canonical_url


@pytest.mark.parametrize(
    "given, canonical",
    [
        ("HTTPS://Example.ORG/Path?q=1#frag", "https://example.org/Path?q=1"),
        ("http://example.org:80/a", "http://example.org/a"),
        ("https://example.org:443", "https://example.org/"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://例子.測試/文章", "https://xn--fsqu00a.xn--g6w251d/文章"),
        ("  https://example.org/a  ", "https://example.org/a"),
        ("https://[::1]:8080/x", "https://[::1]:8080/x"),
    ],
)
def test_canonical_form(given, canonical):
    assert canonical_url(given) == canonical


@pytest.mark.parametrize(
    "given",
    [
        "",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file",
        "https://",
        "https://example.org:99999/",
        "https://exa\nmple.org/",
        "example.org/no-scheme",
        "https://example.org/" + "a" * 5000,
        "http://exa mple.com/",
        "http://exa<mple.com/",
        "http://[::g]/",
        "http://-/",
    ],
)
def test_refused(given):
    with pytest.raises(InvalidURL):
        canonical_url(given)

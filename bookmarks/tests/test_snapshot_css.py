from collections import Counter

import pytest

from bookmarks.snapshot.css import clean_style_attribute, clean_stylesheet

PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


def resolve(reference: str) -> str | None:
    """Stands in for the inliner: .gif references inline, everything else fails."""
    return PIXEL if reference.endswith(".gif") else None


def clean(css: str, **kwargs) -> str:
    return clean_stylesheet(css, resolve=resolve, **kwargs)


@pytest.mark.parametrize(
    "declaration",
    [
        "width: expression(alert(1))",
        "width: EXPRESSION(alert(1))",
        "width: exp/**/ression(alert(1))",
        "width: \\65 xpression(alert(1))",
        "width: \\000065xpression(alert(1))",
        "width: e\\xpression(alert(1))",
        "width: expression\\28 alert(1))",
        "background: url(http://evil.example/x.png)",
        "background: URL(http://evil.example/x.png)",
        "background: u\\72l(http://evil.example/x.png)",
        "background: \\75 \\72 \\6c (http://evil.example/x.png)",
        "background: url( 'http://evil.example/x.png' )",
        'background: url("http://evil.example/x.png")',
        "background: url(javascript:alert(1))",
        "background: url(dot.gif) expression(1)",
        'background: url("x.gif" crossorigin)',
        "background: url(a b.gif)",
        "background-image: image-set('x.gif' 1x)",
        "background-image: -webkit-image-set(url(x.gif) 1x)",
        "background-image: image('x.gif')",
        "background-image: src('x.gif')",
        "background-image: cross-fade(url(x.gif), url(y.gif), 50%)",
        "behavior: url(evil.htc)",
        "BEHAVIOR: url(evil.htc)",
        "be\\68 avior: url(evil.htc)",
        "-moz-binding: url(evil.xml#x)",
        "filter: progid:DXImageTransform.Microsoft.AlphaImageLoader(src='x.gif')",
        "content: 'javascript:alert(1)'",
        "font-family: 'unterminated\n",
    ],
)
def test_dangerous_declarations_are_dropped_and_neighbours_kept(declaration):
    cleaned = clean(f"p {{ color: red; {declaration}; margin: 0 }}")
    assert cleaned == "p{color:red;margin:0}"


def test_urls_of_images_that_inline_become_data_uris():
    cleaned = clean("p{background:url(dot.gif) no-repeat;list-style:url('b.gif')}")
    assert cleaned == f'p{{background:url("{PIXEL}") no-repeat;list-style:url("{PIXEL}")}}'


def test_escaped_url_function_is_still_resolved():
    assert clean("p{background:u\\72l(dot.gif)}") == f'p{{background:url("{PIXEL}")}}'


def test_fragment_urls_make_no_request_and_stay():
    assert clean("circle{fill:url(#gradient)}") == 'circle{fill:url("#gradient")}'


def test_nested_quotes_and_escaped_quotes_survive_intact():
    css = 'q::before{content:"it\'s \\"quoted\\""} q::after{content:\'"\'}'
    assert clean(css) == 'q::before{content:"it\'s \\"quoted\\""}\nq::after{content:\'"\'}'


def test_style_cannot_be_closed_from_inside():
    cleaned = clean("p::after{content:'</style><script>alert(1)</script>'}")
    assert "<" not in cleaned
    assert cleaned == "p::after{content:'\\3c /style>\\3c script>alert(1)\\3c /script>'}"


def test_comments_are_emptied():
    assert clean("/* </style> */ p { /* x */ color: /* y */ red }") == "p{color:/**/ red}"


def test_import_is_inlined_one_level_deep_under_its_media():
    sheets = {"a.css": "@import 'b.css'; a{color:red}", "b.css": "b{color:blue}"}

    def load_import(reference):
        # The real loader cleans the imported sheet without a loader of its own.
        return clean_stylesheet(sheets[reference], resolve=resolve) if reference in sheets else None

    cleaned = clean(
        "@import url(a.css) print; @import 'missing.css'; p{color:green}", load_import=load_import
    )
    assert cleaned == "@media print{a{color:red}}\np{color:green}"


def test_import_media_conditions_are_kept_but_layers_and_supports_are_not():
    def load_import(reference):
        return "i{}"

    assert clean("@import 'a.css' (max-width: 600px);", load_import=load_import) == (
        "@media (max-width: 600px){i{}}"
    )
    assert clean("@import 'a.css' layer(base);", load_import=load_import) == ""
    assert clean("@import 'a.css' supports(display: grid);", load_import=load_import) == ""


def test_selectors_may_mention_what_values_may_not():
    css = 'a[href^="javascript:"]::after{content:"!"} .behavior-tabs{color:red}'
    assert clean(css) == 'a[href^="javascript:"]::after{content:"!"}\n.behavior-tabs{color:red}'


def test_import_without_a_loader_or_after_a_rule_is_dropped():
    assert clean("@import 'a.css'; p{color:red}") == "p{color:red}"
    loaded = clean("p{color:red} @import 'a.css';", load_import=lambda reference: "a{}")
    assert loaded == "p{color:red}"


def test_font_faces_are_dropped_and_counted():
    dropped = Counter()
    cleaned = clean("@font-face{font-family:X;src:url(x.woff2)} p{font-family:X}", dropped=dropped)
    assert cleaned == "p{font-family:X}"
    assert dropped == Counter({"@font-face (fonts are not kept)": 1})


def test_conditional_and_nested_rules_are_kept_and_cleaned():
    css = (
        "@media (max-width: 600px) { p { color: red; background: url(x.png) } }"
        "@supports (display: grid) { .g { display: grid } }"
        "@keyframes spin { from { transform: rotate(0) } to { transform: rotate(1turn) } }"
        "@layer base, theme;"
        ".card { color: red; &:hover { color: blue } .title { font-weight: bold } }"
    )
    assert clean(css).split("\n") == [
        "@media (max-width: 600px){p{color:red}}",
        "@supports (display: grid){.g{display:grid}}",
        "@keyframes spin{from{transform:rotate(0)}",
        "to{transform:rotate(1turn)}}",
        "@layer base, theme;",
        ".card{color:red;&:hover{color:blue};.title{font-weight:bold}}",
    ]


def test_unknown_at_rules_and_namespaces_are_dropped():
    css = (
        "@namespace svg url(http://www.w3.org/2000/svg);"
        "@-moz-document url-prefix() { p{} } a{color:red}"
    )
    assert clean(css) == "a{color:red}"


def test_unbalanced_braces_do_not_leak_rules():
    assert clean("p{color:red;}}} a{color:blue") == "p{color:red}\na{color:blue}"


def test_custom_properties_are_cleaned_like_any_value():
    assert clean(":root{--bg:url(http://evil.example/x.png);--fg:#000}") == ":root{--fg:#000}"
    assert clean(":root{--bg:url(dot.gif)}") == f':root{{--bg:url("{PIXEL}")}}'


def test_style_attributes_keep_only_safe_declarations():
    value = "color: red; background: url(dot.gif); width: expression(alert(1)); p { color: blue }"
    assert clean_style_attribute(value, resolve=resolve) == f'color:red;background:url("{PIXEL}")'


def test_garbage_never_raises():
    for css in ["{{{{", "}}}}", "url(", "'", '"\\', "@", "@media", "a{b:url(", "\\", "/*", "<!--"]:
        assert isinstance(clean(css), str)

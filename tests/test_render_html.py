"""The HTML narrative: structure, escaping and the template contract (no browser needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import DATA, EXAMPLES, tiny_journey_text

from journeymap import analyze, load_journey, parse_journey
from journeymap.render.html import NarrativeContext, make_environment, render_narrative


def soup_of(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


@pytest.fixture
def tiny_html() -> str:
    j = parse_journey(tiny_journey_text())
    return render_narrative(j, analyze(j))


def test_sections_and_headlines(tiny_html: str) -> None:
    soup = soup_of(tiny_html)
    assert soup.html is not None
    assert soup.html["lang"] == "en"
    assert soup.find("h1").get_text() == "Tiny journey"
    ids = [s.get("id") for s in soup.find_all("section") if s.get("id")]
    assert ids == ["glance", "map", "story", "findings", "data", "handoffs", "charts", "evidence"]
    labels = [li.find(class_="label").get_text() for li in soup.select(".headlines li")]
    assert labels == ["Finish", "Critical path", "Handoffs", "Asked again"]
    values = [li.find(class_="value").get_text() for li in soup.select(".headlines li")]
    assert values == ["900 of 1,000", "6 days", "1", "0.9"]


def test_every_touchpoint_is_named(tiny_html: str) -> None:
    soup = soup_of(tiny_html)
    rows = soup.select("#map table tbody tr")
    assert [r.find("th").get_text() for r in rows] == ["a", "b", "c"]
    story = soup.find(id="story").get_text()
    for name in ("Apply", "Licence", "Done"):
        assert name in story


def test_story_names_handoffs_and_repeat_asks(tiny_html: str) -> None:
    paragraphs = [p.get_text() for p in soup_of(tiny_html).select("#story p")]
    assert paragraphs[0] == (
        "The person starts with the Social Security Administration: Apply. This usually takes "
        "5 days. The Social Security Administration asks for the Social Security number. About "
        "10% of the people who get here give up (100 of every 1,000 who start). Next, the Social "
        "Security Administration hands the person over to the State DMV."
    )
    assert (
        "is asked again for the Social Security number, already given earlier." in (paragraphs[1])
    )


def test_data_matrix_marks_repeat_asks(tiny_html: str) -> None:
    soup = soup_of(tiny_html)
    table = soup.select_one("#data table")
    head = [th.get_text() for th in table.select("thead tr")[1].find_all("th")]
    assert head == ["Information", "a", "b", "Times asked"]
    rows = {
        tr.find("th").get_text(): [td.get_text() for td in tr.find_all("td")]
        for tr in table.select("tbody tr")
    }
    assert rows["Social Security number"] == ["asked", "again", "2"]
    assert rows["Photo ID"] == ["", "asked", "1"]


def test_handoff_matrix(tiny_html: str) -> None:
    table = soup_of(tiny_html).select_one("#handoffs table")
    cells = [td.get_text() for td in table.select("tbody tr td")]
    assert table.select_one("tbody th").get_text() == "SSA"
    assert cells == ["", "900"]


def test_charts_have_text_alternatives(tiny_html: str) -> None:
    soup = soup_of(tiny_html)
    for svg in soup.select("#charts svg"):
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert soup.find(id=title_id).name == "title"
        assert soup.find(id=desc_id).name == "desc"
    funnel_rows = soup.select("#charts details table tbody tr")
    assert [r.find_all("td")[1].get_text() for r in funnel_rows] == ["1,000", "900", "900"]


def test_self_contained_with_csp(tiny_html: str) -> None:
    soup = soup_of(tiny_html)
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert csp.startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:;")
    assert "script-src 'sha256-" in csp
    assert not soup.find_all(src=True)
    assert not soup.find_all("link")
    assert all(not a["href"].startswith(("http", "//")) for a in soup.select("nav a"))


def test_hostile_text_is_escaped() -> None:
    j = load_journey(DATA / "hostile.yaml")
    html = render_narrative(j, analyze(j))
    soup = soup_of(html)
    assert len(soup.find_all("script")) == 1  # only our own
    assert not soup.find_all("img")
    assert not soup.find_all("iframe")
    assert not soup.find_all("b")
    assert len(soup.find_all("style")) == 1
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            assert not attr.startswith("on"), (tag.name, attr)
            if attr == "href":
                assert not str(value).lower().startswith("javascript"), value
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    links = [a["href"] for a in soup.select("#evidence a")]
    assert links == ["http://example.gov/ok?a=1&b=2"]  # only clean http(s) URLs are links
    assert "{{ 7*7 }}" in soup.get_text()  # no template injection


def test_deterministic() -> None:
    j = parse_journey(tiny_journey_text())
    assert render_narrative(j, analyze(j)) == render_narrative(j, analyze(j))


def test_template_uses_only_documented_context() -> None:
    from jinja2 import meta

    env = make_environment()
    documented = set(NarrativeContext.documented_fields())
    for name in env.list_templates():
        if name.startswith("default:"):
            continue
        source = env.loader.get_source(env, name)[0]
        used = meta.find_undeclared_variables(env.parse(source))
        assert used <= documented | {"loop"}, (name, used - documented)


def test_template_dir_overrides(tmp_path: Path) -> None:
    (tmp_path / "narrative.html.j2").write_text(
        '{% extends "default:narrative.html.j2" %}'
        "{% block footer %}<p>Agency branding for {{ title }}</p>{% endblock %}"
    )
    j = parse_journey(tiny_journey_text())
    html = render_narrative(j, analyze(j), template_dir=tmp_path)
    assert soup_of(html).find("footer").get_text().strip() == "Agency branding for Tiny journey"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_renders(path: Path) -> None:
    j = load_journey(path)
    soup = soup_of(render_narrative(j, analyze(j)))
    names = soup.find(id="map").get_text()
    for tp in j.touchpoints:
        assert tp.name in names


def test_docs_list_every_context_field() -> None:
    from conftest import ROOT

    doc = (ROOT / "docs" / "narrative.md").read_text(encoding="utf-8")
    for name in NarrativeContext.documented_fields():
        assert f"| `{name}` |" in doc, name

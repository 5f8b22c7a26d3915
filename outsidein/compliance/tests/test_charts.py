"""Trend charts: well-formed SVG that names itself, draws the target, and leaves gaps for blanks."""

import xml.etree.ElementTree as ET

from outsidein.compliance.charts import ChartText, TrendPoint, trend_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def chart(points, **kwargs):
    kwargs.setdefault("title", "Decision within 15 business days — Office A")
    kwargs.setdefault("description", "Share meeting the standard by month.")
    return trend_chart_svg(points, **kwargs)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output; raises when malformed


POINTS = [
    TrendPoint("2025-04", 0.70, 0.60, 0.78),
    TrendPoint("2025-05", 0.82, 0.75, 0.87),
    TrendPoint("2025-06", None),
    TrendPoint("2025-07", 0.91, 0.85, 0.95),
]


def test_chart_is_well_formed_and_names_itself_for_assistive_technology():
    root = parse(chart(POINTS, chart_id="c1", target=0.8))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.get("id") == "c1-title" and title.text.startswith("Decision within 15")
    assert desc.get("id") == "c1-desc" and desc.text == "Share meeting the standard by month."
    # <title> and <desc> come first, as SVG accessibility mappings expect.
    assert [child.tag for child in root][:2] == [f"{SVG}title", f"{SVG}desc"]


def test_target_is_a_dashed_line_at_its_share():
    root = parse(chart(POINTS, target=0.8, height=260))
    target = root.find(f".//{SVG}g[@class='oi-chart__target']")
    line = target.find(f"{SVG}line")
    assert line.get("stroke-dasharray")
    # Plot from y=16 (100%) to y=216 (0%): 80% sits at 16 + 200 * 0.2 = 56.
    assert line.get("y1") == line.get("y2") == "56"
    assert target.find(f"{SVG}text").text == "Target 80%"


def test_no_target_no_target_line():
    root = parse(chart(POINTS))
    assert root.find(f".//{SVG}g[@class='oi-chart__target']") is None


def test_interval_band_and_line_break_where_a_period_is_not_available():
    root = parse(chart(POINTS))
    band = root.find(f".//{SVG}g[@class='oi-chart__band']")
    # Two runs with an interval: April–May (a polygon) and July alone (a bar).
    assert len(band.findall(f"{SVG}polygon")) == 1
    assert len(band.findall(f"{SVG}rect")) == 1
    line = root.find(f".//{SVG}g[@class='oi-chart__line']")
    assert len(line.findall(f"{SVG}polyline")) == 1  # July is not joined to May across the gap
    assert len(line.findall(f"{SVG}circle")) == 3  # no dot at 0 for the blank period
    labels = [t.text for t in root.findall(f".//{SVG}g[@class='oi-chart__periods']/{SVG}text")]
    assert labels == ["2025-04", "2025-05", "2025-06", "n/a", "2025-07"]


def test_text_is_escaped_and_words_come_from_the_caller():
    svg = chart([TrendPoint("T<1>", None)], title='A & B <"x">', description="d",
                text=ChartText(target="Cible", not_available="n.d.",
                               percent=lambda share: f"{share * 100:.0f} %"), target=0.5)
    root = parse(svg)
    assert root.find(f"{SVG}title").text == 'A & B <"x">'
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "n.d." in texts and "T<1>" in texts and "Cible 50 %" in texts and "100 %" in texts


def test_many_periods_label_the_latest_and_at_most_a_dozen():
    points = [TrendPoint(f"D{i:02d}", 0.5) for i in range(31)]
    root = parse(chart(points))
    labels = [t.text for t in root.findall(f".//{SVG}g[@class='oi-chart__periods']/{SVG}text")]
    assert labels[-1] == "D30" and len(labels) <= 12


def test_no_inline_style_or_script():
    svg = chart(POINTS, target=0.8)
    assert "style=" not in svg and "<script" not in svg and "<style" not in svg

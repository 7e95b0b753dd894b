"""The HTML page of a comparison: one self-contained, accessible Jinja template.

Kept here rather than in ``journeymap/templates/`` (the narrative report's folder, whose
templates may use only the narrative's documented context). Autoescaped: every word from a
journey file is text, never markup.
"""

# ruff: noqa: E501  (a page template: CSS and markup lines are kept whole)
from __future__ import annotations

__all__ = ["PAGE"]

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Compare: {{ comparison.title }}</title>
<style>
:root { color-scheme: light; --ink: #1b1b1b; --muted: #565c65; --line: #c9c9c9; --good: #00703c; --bad: #b50909; --band: #f0f0f0; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; margin: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.75rem; margin: 0 0 .5rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .5rem; border-top: 2px solid var(--ink); padding-top: 1rem; }
p.assumptions { background: var(--band); border-left: 4px solid var(--muted); padding: .5rem .75rem; }
p.same { font-weight: 600; }
table { border-collapse: collapse; margin: .75rem 0 1.25rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
ul { padding-left: 1.25rem; }
@media print { h2 { break-before: auto; } table { break-inside: avoid; } }
</style>
</head>
<body>
<main>
{% for section in sections %}
<section aria-labelledby="s{{ loop.index }}">
<h{{ section.level }} id="s{{ loop.index }}">{{ section.title }}</h{{ section.level }}>
{% for p in section.paragraphs %}
{% if p.startswith("Assumptions:") %}
<p class="assumptions">{{ p }}</p>
{% elif p.startswith("The result equals the baseline") %}
<p class="same">{{ p }}</p>
{% else %}
<p>{{ p }}</p>
{% endif %}
{% endfor %}
{% for t in section.tables %}
<table>
<caption>{{ t.caption }}</caption>
<thead><tr>{% for h in t.header %}<th scope="col"{% if loop.index0 in t.numeric %} class="num"{% endif %}>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in t.rows %}
<tr>{% for cell in row %}{% if loop.first %}<th scope="row">{{ cell }}</th>{% else %}<td{% if loop.index0 in t.numeric %} class="num"{% endif %}>{{ cell }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
{% endfor %}
{% if section.items %}
<ul>
{% for item in section.items %}
<li>{{ item }}</li>
{% endfor %}
</ul>
{% endif %}
</section>
{% endfor %}
</main>
</body>
</html>
"""

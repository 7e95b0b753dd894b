"""Text and Markdown renderings of a Report (and of a Portfolio).

Both are built from the same sections, so the terminal summary and the Markdown for a pull
request or wiki say the same things. Pure functions: they return strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import fmt
from ..report import Bottleneck, DropOff, Portfolio, Report
from .checks import require_report, require_top
from .evidence_text import headline_warnings
from .feedback_text import feedback_lines
from .observed_text import observed_lines
from .phrases import ARROW, outcome_counts, per_person
from .tables import aligned_lines, markdown_rows

__all__ = [
    "aligned_lines",
    "feedback_lines",
    "markdown_rows",
    "observed_lines",
    "render_json",
    "render_markdown",
    "render_outline",
    "render_portfolio",
    "render_text",
]


@dataclass(frozen=True)
class _Table:
    title: str
    note: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()


def _md_escape(text: str) -> str:
    return fmt.markdown_text(text)


def _text_table(t: _Table) -> list[str]:
    note = [f"  {t.note}"] if t.note else []
    return [t.title, *note, *aligned_lines(t.header, t.rows, right=t.right)]


def _md_table(t: _Table) -> list[str]:
    out = [f"### {t.title}", ""]
    if t.note:
        out += [t.note, ""]
    return out + markdown_rows(t.header, t.rows, right=t.right)


def _headline(report: Report) -> list[tuple[str, str]]:
    m = report.metrics
    pop = fmt.people(m.population)
    done, failed, gave_up = outcome_counts(m)
    rows = [
        (
            "Completion",
            f"{done} of {pop} finish ({fmt.percent(m.completion_rate)}); "
            f"{failed} fail; {gave_up} give up",
        )
    ]
    same = m.main_path is not None and m.main_path == m.critical_path
    if m.main_path and not same:
        days = f"{fmt.days(m.main_path_days)}: " if m.main_path_days is not None else ""
        rows.append(("Main path", f"{days}{ARROW.join(m.main_path)} ({m.main_path_rule})"))
    if m.critical_path_days is not None and m.critical_path:
        longest = "" if same else " (the longest path to a success end)"
        rows.append(
            (
                "Critical path",
                f"{fmt.days(m.critical_path_days)}: {ARROW.join(m.critical_path)}{longest}",
            )
        )
    elif m.critical_path_note:
        rows.append(("Critical path", f"none ({m.critical_path_note})"))
    timing = []
    if m.expected_days_for_completers is not None:
        timing.append(f"{fmt.days(m.expected_days_for_completers)} expected for those who finish")
    if m.elapsed_p50_days is not None and m.elapsed_p90_days is not None:
        timing.append(
            f"model p50 {fmt.days(m.elapsed_p50_days)}, p90 {fmt.days(m.elapsed_p90_days)} "
            f"(simulated, {m.simulation_runs:,} runs, seed {m.simulation_seed})"
        )
    o = report.observed
    if o is not None and o.completed_median_days is not None:
        p90 = f", p90 {fmt.days(o.completed_p90_days)}" if o.completed_p90_days is not None else ""
        timing.append(f"observed finishers p50 {fmt.days(o.completed_median_days)}{p90}")
    if o is not None and o.case_median_days is not None:
        p90 = f", p90 {fmt.days(o.case_p90_days)}" if o.case_p90_days is not None else ""
        timing.append(f"all observed cases p50 {fmt.days(o.case_median_days)}{p90}")
    if timing:
        rows.append(("Elapsed time", "; ".join(timing)))
    if m.simulation_note and m.elapsed_p50_days is not None:
        rows.append(("Simulation", m.simulation_note))
    if m.expected_effort_hours is not None:
        rows.append(
            (
                "Time tax",
                f"{fmt.hours(m.expected_effort_hours)} of the person's own time per starter "
                f"({(m.population_effort_hours or 0):,.0f} hours per period)",
            )
        )
    behind = ""
    if m.exchange_count:
        behind = (
            f"; {fmt.plural(m.exchange_count, 'exchange')} between agencies behind the scenes, "
            "not counted"
        )
    rows.append(
        (
            "Handoffs",
            f"{m.handoff_count} between {fmt.plural(m.agency_count, 'agency', 'agencies')} "
            f"({per_person(m.expected_handoffs_per_person)} per person on average){behind}",
        )
    )
    rows.append(
        (
            "Asked again",
            f"{fmt.plural(m.duplicate_item_count, 'data item')} can be asked more than once; "
            f"{per_person(m.expected_repeat_requests_per_person)} repeat requests per person",
        )
    )
    return rows


def _step(row: Bottleneck | DropOff) -> tuple[str, str, str]:
    """The first cells of a row about one touchpoint: its id, name and agency."""
    return row.touchpoint, row.name, row.agency


def _bottleneck_table(report: Report, top: int) -> _Table:
    """The ranked bottlenecks."""
    b_rows = tuple(
        (
            str(b.rank),
            *_step(b),
            fmt.number(b.median_days),
            fmt.number(b.expected_days),
            fmt.percent(b.share),
            fmt.number(b.slack_days) if b.slack_days > 0 else "",
            fmt.people(b.people_lost),
            "yes" if b.on_main_path else "",
        )
        for b in report.bottlenecks[:top]
    )
    return _Table(
        "Bottlenecks",
        "ranked by expected days = expected visits x median days, per person who starts; "
        "a parallel branch that is not the slowest adds nothing (slack: days it can grow "
        "before the journey takes longer); main path: the path most people's time depends "
        "on (rule above)",
        (
            "#",
            "id",
            "touchpoint",
            "agency",
            "median d",
            "expected d",
            "share",
            "slack d",
            "lost",
            "main path",
        ),
        b_rows,
        frozenset({0, 4, 5, 6, 7, 8}),
    )


def _handoff_table(report: Report, top: int) -> _Table:
    """The handoffs the person feels, most people first."""
    h_rows = tuple(
        (
            f"{h.from_touchpoint}{ARROW}{h.to_touchpoint}",
            f"{h.from_agency}{ARROW}{h.to_agency}",
            h.boundary,
            fmt.people(h.people),
            fmt.days(h.wait_days) if h.wait_days else "",
            fmt.people(h.people_lost_after),
            "ping-pong" if h.ping_pong else "",
        )
        for h in sorted(report.handoffs, key=lambda h: h.rank)[:top]
    )
    return _Table(
        "Handoffs",
        f"{fmt.plural(report.metrics.handoff_count, 'handoff')} the person feels; people per "
        "period (milestones, backstage, support and automated steps are passed through)",
        ("edge", "agencies", "boundary", "people", "wait", "lost after", ""),
        h_rows,
        frozenset({3, 5}),
    )


def _duplicate_table(report: Report, top: int) -> _Table:
    """Data items asked for more than once."""
    d_rows = tuple(
        (
            d.item,
            d.scope,
            ", ".join(d.agencies),
            ", ".join(d.touchpoints),
            f"{d.expected_asks_per_person:.2f}",
            fmt.percent(d.asked_again_rate),
            fmt.people(d.people_asked_again),
        )
        for d in report.duplicate_requests[:top]
    )
    return _Table(
        "Duplicate data requests",
        "ranked by people asked again, then by agencies asking",
        ("item", "scope", "agencies", "touchpoints", "asks/person", "asked again", "people"),
        d_rows,
        frozenset({4, 5, 6}),
    )


def _exchange_table(report: Report, top: int) -> _Table:
    """Exchanges between agencies behind the scenes, most people first."""
    x_rows = tuple(
        (
            f"{x.from_touchpoint}{ARROW}{x.to_touchpoint}",
            f"{x.from_agency}{ARROW}{x.to_agency}",
            fmt.people(x.people),
        )
        for x in sorted(report.behind_the_scenes, key=lambda x: x.rank)[:top]
    )
    return _Table(
        "Behind the scenes",
        "exchanges between agencies at backstage, support or automated steps; the person "
        "is not sent anywhere; people per period",
        ("edge", "agencies", "people"),
        x_rows,
        frozenset({2}),
    )


def _leak_table(report: Report, top: int) -> _Table:
    """Where people give up, most lost first."""
    l_rows = tuple(
        (
            *_step(d),
            fmt.percent(d.rate),
            fmt.people(d.arrivals),
            fmt.people(d.people_lost),
            "after handoff" if d.after_handoff else "",
        )
        for d in report.drop_off[:top]
        if d.people_lost > 0
    )
    return _Table(
        "Biggest leaks",
        "people lost per period",
        ("id", "touchpoint", "agency", "rate", "arrive", "lost", ""),
        l_rows,
        frozenset({3, 4, 5}),
    )


def _tables(report: Report, top: int) -> list[_Table]:
    tables = (_bottleneck_table, _handoff_table, _duplicate_table, _exchange_table, _leak_table)
    return [t for t in (table(report, top) for table in tables) if t.rows]


def _title(report: Report) -> str:
    life = f" — {report.life_experience}" if report.life_experience else ""
    return f"{report.title} ({report.journey}){life}"


def _population_line(report: Report) -> str:
    m = report.metrics
    source = "default; set population: in the journey" if m.population_is_default else "journey"
    return f"{fmt.people(m.population)} people start per period ({source})"


def render_text(report: Report, *, top: int = 5) -> str:
    """A readable terminal summary of a report."""
    require_report(report)
    require_top(top)
    out = [_title(report), _population_line(report), ""]
    out += [f"Warning: {w}" for w in headline_warnings(report)]
    out += [""] if headline_warnings(report) else []
    head = _headline(report)
    width = max(len(k) for k, _ in head)
    out += [f"  {k.ljust(width)}  {v}" for k, v in head]
    for table in _tables(report, top):
        out += ["", *_text_table(table)]
    if report.observed is not None:
        out += ["", "Designed vs observed"] + [f"  {line}" for line in observed_lines(report)]
    if report.feedback is not None or report.burden is not None:
        out += ["", "Customer feedback"] + [f"  {line}".rstrip() for line in feedback_lines(report)]
    if report.reissued_requests:
        out += ["", "Documents issued in the journey and asked for again"]
        for r in report.reissued_requests:
            out.append(
                f"  {r.item}: given at {', '.join(r.given_at)} ({', '.join(r.issuing_agencies)})"
                f", asked again at {', '.join(r.asked_at)} ({', '.join(r.asking_agencies)})"
            )
    if report.findings:
        shown = report.findings[: 2 * top]
        out += ["", f"Findings ({len(shown)} of {len(report.findings)}, most severe first)"]
        for i, f in enumerate(shown, start=1):
            out.append(f"  {i}. [{f.severity}] {f.title}")
            out.append(f"     {f.detail}")
            out.append(f"     → {f.recommendation}")
            if "illustrative" in f.evidence:
                out.append(f"     evidence: {f.evidence}")
        if len(shown) < len(report.findings):
            out.append(
                f"  ... {len(report.findings) - len(shown)} more findings in the Markdown and "
                "JSON reports"
            )
    return fmt.terminal_text("\n".join(out) + "\n")


def render_markdown(report: Report, *, top: int = 5) -> str:
    """Markdown for a pull request, issue or wiki page."""
    require_report(report)
    require_top(top)
    out = [f"## {_md_escape(_title(report))}", "", f"*{_population_line(report)}*", ""]
    out += [f"> **Warning:** {_md_escape(w)}" for w in headline_warnings(report)]
    out += [""] if headline_warnings(report) else []
    out += ["| metric | value |", "|---|---|"]
    out += [f"| {k} | {_md_escape(v)} |" for k, v in _headline(report)]
    for table in _tables(report, top):
        out += ["", *_md_table(table)]
    if report.observed is not None:
        out += ["", "### Designed vs observed", ""]
        out += [f"- {_md_escape(line.strip())}" for line in observed_lines(report)]
    if report.feedback is not None or report.burden is not None:
        out += ["", "### Customer feedback", *feedback_lines(report, markdown=True)]
    if report.findings:
        out += ["", "### Findings", ""]
        for i, f in enumerate(report.findings, start=1):
            out.append(f"{i}. **{_md_escape(f.title)}** ({f.severity}, evidence: {f.evidence})  ")
            out.append(f"   {_md_escape(f.detail)}  ")
            out.append(f"   *Recommendation:* {_md_escape(f.recommendation)}")
    return fmt.terminal_text("\n".join(out) + "\n")


def render_json(report: Report | Portfolio) -> str:
    """Deterministic JSON (sorted as built, 2-space indent, one trailing newline)."""
    require_report(report, portfolio=True)
    return fmt.json_text(report.to_dict())


def _portfolio_tables(portfolio: Portfolio, top: int) -> tuple[_Table, _Table, _Table]:
    """The journeys side by side, the data items asked most, the agency pairs."""
    items = _Table(
        "Data items asked most across journeys",
        "journeys asking, touchpoints asking, requests per period",
        ("item", "journeys", "touchpoints", "agencies", "requests", "asked again in"),
        tuple(
            (
                i.item,
                str(len(i.journeys)),
                str(i.touchpoints),
                ", ".join(i.agencies),
                fmt.people(i.requests),
                ", ".join(i.duplicated_in),
            )
            for i in portfolio.items[:top]
        ),
        frozenset({1, 2, 4}),
    )
    pairs = _Table(
        "Agency pairs that hand people off most",
        "people handed off per period, summed over journeys",
        ("from", "to", "people", "handoffs", "journeys"),
        tuple(
            (
                p.from_agency,
                p.to_agency,
                fmt.people(p.people),
                str(p.handoffs),
                ", ".join(p.journeys),
            )
            for p in portfolio.agency_pairs[:top]
        ),
        frozenset({2, 3}),
    )
    overview = _Table(
        "Journeys",
        "",
        (
            "journey",
            "touchpoints",
            "agencies",
            "complete",
            "critical path",
            "time tax",
            "handoffs",
            "asked again",
        ),
        tuple(
            (
                r.journey,
                str(r.metrics.touchpoint_count),
                str(r.metrics.agency_count),
                fmt.percent(r.metrics.completion_rate),
                fmt.days(r.metrics.critical_path_days)
                if r.metrics.critical_path_days is not None
                else "loops",
                fmt.hours(r.metrics.expected_effort_hours)
                if r.metrics.expected_effort_hours is not None
                else "",
                str(r.metrics.handoff_count),
                str(r.metrics.duplicate_item_count),
            )
            for r in portfolio.reports
        ),
        frozenset({1, 2, 3, 6, 7}),
    )
    return overview, items, pairs


def render_portfolio(portfolio: Portfolio, *, fmt_name: str = "text", top: int = 10) -> str:
    """The portfolio view in ``text`` or ``markdown``, followed by each journey's summary."""
    require_report(portfolio, portfolio=True)
    require_top(top)
    overview, items, pairs = _portfolio_tables(portfolio, top)
    if fmt_name == "markdown":
        out = [f"# Portfolio of {len(portfolio.reports)} journeys", ""]
        for table in (overview, items, pairs):
            if table.rows:
                out += [*_md_table(table), ""]
        for r in portfolio.reports:
            out.append(render_markdown(r, top=5))
        return fmt.terminal_text("\n".join(out))
    out = [f"Portfolio of {len(portfolio.reports)} journeys", ""]
    for table in (overview, items, pairs):
        if table.rows:
            out += [*_text_table(table), ""]
    for r in portfolio.reports:
        out += ["=" * 78, render_text(r, top=3)]
    return fmt.terminal_text("\n".join(out))


def render_outline(report: Report) -> str:
    """The journey's outline: agencies, then each stage's touchpoints in telling order with
    the median the analysis used (observed where an event log replaced it)."""
    require_report(report)
    ctx = report.context
    out = [f"{report.title} ({report.journey})"]
    if report.life_experience:
        out.append(f"Life experience: {report.life_experience}")
    if ctx.persona_name:
        out.append(f"Persona: {ctx.persona_name}")
    out.append(
        f"{fmt.plural(report.metrics.touchpoint_count, 'touchpoint')}, "
        f"{fmt.plural(len(report.agencies), 'agency', 'agencies')}, "
        f"{fmt.plural(len(report.stages), 'stage')}"
    )
    out.append("Agencies:")
    out += [f"  {a.id}: {a.name}" + (f" [{a.level}]" if a.level else "") for a in report.agencies]
    names = {s.id: s.name for s in report.stages}
    for stage_id in [*names, None]:
        members = [t for t in report.in_order() if t.stage == stage_id]
        if members:
            out.append(f"Stage: {names[stage_id]}" if stage_id else "No stage:")
        for t in members:
            median = f", {fmt.days(t.median_days)}" if t.median_days is not None else ""
            out.append(f"  {t.touchpoint} [{t.agency}] {t.name}{median}")
    return fmt.terminal_text("\n".join(out) + "\n")

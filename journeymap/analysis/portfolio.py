"""The portfolio view: which data items and agency pairs recur across journeys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import Journey
from ..report import Portfolio, PortfolioItem, PortfolioPair, Report

__all__ = ["build_portfolio"]


@dataclass
class _Item:
    name: str
    journeys: dict[str, None] = field(default_factory=dict)  # ordered sets
    touchpoints: int = 0
    agencies: dict[str, None] = field(default_factory=dict)
    requests: float = 0.0
    duplicated_in: dict[str, None] = field(default_factory=dict)


@dataclass
class _Pair:
    journeys: dict[str, None] = field(default_factory=dict)
    handoffs: int = 0
    people: float = 0.0


def _add(values: dict[str, None], value: str) -> None:
    values.setdefault(value, None)


def build_portfolio(journeys: Sequence[Journey], reports: Sequence[Report]) -> Portfolio:
    """Combine journeys and their reports (same order) into a :class:`Portfolio`.

    Items are ranked by how many journeys ask for them, then touchpoints, then requests per
    period; agency pairs by people handed off per period. Agency and item ids are compared
    exactly across journeys.
    """
    items: dict[str, _Item] = {}
    for journey, report in zip(journeys, reports, strict=True):
        duplicated = {d.item for d in report.duplicate_requests}
        arrivals = {t.touchpoint: t.arrivals for t in report.touchpoints}  # one lookup each
        for tp in journey.touchpoints:
            for item_id in tp.asks:
                row = items.setdefault(item_id, _Item(journey.data_item(item_id).name))
                _add(row.journeys, journey.id)
                row.touchpoints += 1
                _add(row.agencies, tp.agency)
                row.requests += arrivals[tp.id]
                if item_id in duplicated:
                    _add(row.duplicated_in, journey.id)
    portfolio_items = sorted(
        (
            PortfolioItem(
                item=item_id,
                name=row.name,
                journeys=tuple(row.journeys),
                touchpoints=row.touchpoints,
                agencies=tuple(row.agencies),
                requests=row.requests,
                duplicated_in=tuple(row.duplicated_in),
            )
            for item_id, row in items.items()
        ),
        key=lambda i: (-len(i.journeys), -i.touchpoints, -i.requests, i.item),
    )
    pairs: dict[tuple[str, str], _Pair] = {}
    for report in reports:
        for h in report.handoffs:
            pair = pairs.setdefault((h.from_agency, h.to_agency), _Pair())
            _add(pair.journeys, report.journey)
            pair.handoffs += 1
            pair.people += h.people
    portfolio_pairs = sorted(
        (
            PortfolioPair(a, b, tuple(p.journeys), p.handoffs, p.people)
            for (a, b), p in pairs.items()
        ),
        key=lambda p: (-p.people, -len(p.journeys), p.from_agency, p.to_agency),
    )
    return Portfolio(tuple(reports), tuple(portfolio_items), tuple(portfolio_pairs))

"""What each key of a journey file means: the one table the schema and the format docs share.

``journeymap.schema`` writes each entry into the JSON Schema (``description``,
``markdownDescription`` and ``examples``), so an editor shows it on hover and completes the
example. The key tables of ``docs/format.md`` say the same words; a test fails when they drift.

Each entry is ``key: (meaning, example)``: the meaning in Markdown, exactly as the table cell
in ``docs/format.md`` writes it where the key has a row there, and an example value.
"""

from __future__ import annotations

from typing import Any

__all__ = ["KEY_DOCS"]

_LEVELS = "`federal`, `state`, `local`, `tribal`, `territorial`, `nonprofit`, `private`"

#: Meaning and example of every key, by schema definition (``Journey`` is the top level).
KEY_DOCS: dict[str, dict[str, tuple[str, Any]]] = {
    "Journey": {
        "journeymap": (
            "format version: the whole number `1` (`1.0` and `true` are errors)",
            1,
        ),
        "id": ("slug naming the journey: `having-a-child`", "having-a-child"),
        "title": ("human title", "Having a child"),
        "life_experience": (
            'the life experience (the federal names: "Approaching retirement", ...)',
            "Approaching retirement",
        ),
        "summary": (
            "a paragraph for readers of the report",
            "An owner forms an LLC, gets tax identities and a city licence.",
        ),
        "persona": (
            "`{name, description?}`: the person whose journey it is",
            {"name": "Marcus", "description": "Owner of a new single-member LLC"},
        ),
        "population": (
            "whole number of people who start the journey per period, 1 to 10,000,000,000",
            1000,
        ),
        "occasion": ("A-11 service-framework words (free text)", "Opening a bakery"),
        "offering": ("A-11 service-framework words (free text)", "A licensed, financed business"),
        "source": (
            "provenance of the journey as a whole",
            "Agency roles realistic; figures illustrative",
        ),
        "start": (
            "id of the touchpoint where people start (default: the first listed)",
            "B1",
        ),
        "agencies": (
            "list of agencies (below), at least one",
            [{"id": "SSA", "name": "Social Security Administration", "level": "federal"}],
        ),
        "data": (
            "data items asked for or given that are not in the built-in catalog",
            [{"id": "owner_ssn", "name": "Owner's Social Security number", "sensitive": True}],
        ),
        "stages": (
            "ordered list of `{id, name, description?}`",
            [{"id": "form", "name": "Form the business"}],
        ),
        "touchpoints": (
            "ordered list of touchpoints (below), at least one",
            [{"id": "B1", "name": "File Articles of Organization", "agency": "STATE-SOS"}],
        ),
        "events": (
            "event-log evidence (below)",
            {"path": "data/claims.csv", "columns": {"case": "application_id"}},
        ),
        "scenarios": (
            "named future states to compare with the journey as written (`journeymap compare`)",
            [{"id": "ask-once", "changes": [{"ask_once": "dd214"}]}],
        ),
        "feedback": (
            "A-11 customer feedback (below)",
            {"path": "data/a11-responses.csv", "every": "quarter"},
        ),
    },
    "Agency": {
        "id": (
            "agency id, compared exactly (`STATE-DOR` and `STATE-SWA` are two agencies)",
            "SSA",
        ),
        "name": ("the agency's name", "Social Security Administration"),
        "level": (f"level of government or sector: {_LEVELS}", "federal"),
        "department": (
            "groups agencies (TSA and CBP → DHS) so handoffs within one department can be "
            "told apart from handoffs across departments",
            "DHS",
        ),
        "delivery_model": (
            "how the service is delivered and funded (free text)",
            "state-administered, federally funded",
        ),
    },
    "DataItem": {
        "id": (
            "data id used in `asks`/`gives`; declaring a built-in catalog id overrides its "
            "name and flags",
            "separation_date",
        ),
        "name": ("what the item is, in words", "Date of separation from service"),
        "sensitive": ("`true` for sensitive personal information", True),
        "government_issued": ("`true` for a document a government issues", True),
        "aliases": (
            "other names for the item; an unknown id in `asks` gets a suggestion from them",
            ["passport book"],
        ),
    },
    "Stage": {
        "id": ("stage id, named by a touchpoint's `stage`", "claim"),
        "name": ("the stage's name", "Form the business"),
        "description": ("longer text for reports", "Everything before the first application"),
    },
    "Persona": {
        "name": ("the person's name", "Marcus"),
        "description": (
            "who they are",
            "Owner of a new single-member LLC with one planned employee",
        ),
    },
    "Touchpoint": {
        "id": ("unique within the journey, no spaces", "R3"),
        "name": ("what the person does or receives here", "Apply for retirement benefits"),
        "agency": ("an `agencies[].id`", "SSA"),
        "stage": ("a `stages[].id`", "claim"),
        "channel": (
            "how the person deals with the agency here: `online`, `phone`, `in_person`, "
            "`mail`, `email`, `text`, `chat`, `kiosk`, `automated`",
            "online",
        ),
        "lane": (
            "service-blueprint lane: `customer`, `frontstage`, `backstage`, `support`",
            "frontstage",
        ),
        "description": ("longer text for reports", "The claim is filed on ssa.gov"),
        "asks": (
            "data items the person must provide here; each is one request",
            ["ssn", "bank_account"],
        ),
        "gives": ("data items or documents issued to the person here", ["dd214"]),
        "effort": (
            'the person\'s own active time here (the "time tax"), a duration',
            "2h",
        ),
        "duration": (
            "elapsed time here, queue included: a duration (the median) or `{median, p90?, mean?}`",
            {"median": "30d", "p90": "90d"},
        ),
        "drop_off": (
            "share (0–1) of the people who arrive here and abandon the journey here",
            0.12,
        ),
        "starts": (
            "observed number of people who arrived here, 0 to 10,000,000,000",
            48211,
        ),
        "satisfaction": ("A-11 CX score, 1–5", 3.4),
        "emotion": ("designer's emotion score, −2 to +2", -1),
        "pain_points": ("lists of text", ["Asked for the DD-214 again"]),
        "opportunities": ("lists of text", ["Reuse the DD-214 from DoD"]),
        "forms": (
            "list of `{id, omb?, name?, burden?}` or plain form ids; `burden` is the form's PRA "
            "burden estimate per response (a duration), compared with the touchpoint's `effort`",
            [{"id": "SSA-1", "omb": "0960-0618", "burden": "20min"}],
        ),
        "evidence": (
            "how the numbers here were obtained: `observed`, `estimated`, `illustrative`",
            "observed",
        ),
        "source": ("text or URL for the numbers", "https://www.ssa.gov/..."),
        "next": ("where people go next (below)", "R4"),
        "split": ("`all`: `next` is a parallel split", "all"),
        "join": ("`all`: wait here until every parallel branch is done", "all"),
        "outcome": (
            "on an end touchpoint: `success` (the default) or `failure`",
            "failure",
        ),
        "kind": (
            '`milestone`: a point the person reaches (where parallel work meets, "settled as a '
            "citizen\"), not a step an agency takes them through, so it counts for no agency's "
            "handoffs; `step` (the default): an ordinary touchpoint",
            "milestone",
        ),
    },
    "Form": {
        "id": ("the form's number or name", "SSA-1"),
        "omb": ("OMB control number under the Paperwork Reduction Act", "0960-0618"),
        "name": ("the form's title", "Application for Retirement Insurance Benefits"),
        "burden": (
            "the PRA burden estimate per response, a duration; compared with `effort`",
            "20min",
        ),
    },
    "DurationStats": {
        "median": ("the median elapsed time, a duration", "30d"),
        "p90": (
            "the 90th percentile, a duration at least the median and, unless `mean` is "
            "given, at most 100 times it",
            "90d",
        ),
        "mean": ("the mean elapsed time, a duration", "40d"),
    },
    "Transition": {
        "to": ("id of the touchpoint people go to", "apply-online"),
        "share": (
            "part of the people who go on that take this branch; the shares of the "
            "alternatives sum to 1 (±0.001), each at least 0.000001",
            0.7,
        ),
        "wait": ("time between the two touchpoints, a duration", "2d"),
    },
    "EventsSpec": {
        "path": (
            "event log file(s), relative to the journey file; a list also works",
            "data/retirement-claims-2024.parquet",
        ),
        "columns": (
            "which columns hold the case, activity, timestamp and extras",
            {"case": "application_id", "activity": "step", "timestamp": "ts"},
        ),
        "map": ("activity -> touchpoint id", {"Claim submitted": "R5"}),
        "timezone": ("for timestamps without an offset", "America/New_York"),
        "ends": (
            "touchpoint ids that count as reaching an end when the journey's own end is not "
            "in the log",
            ["R5"],
        ),
    },
    "EventColumns": {
        "case": ("column of the case (one person's journey)", "application_id"),
        "activity": ("column of the activity (mapped to touchpoints)", "step"),
        "timestamp": ("column of the time of the event", "ts"),
        "lifecycle": ("column of the lifecycle (start/complete)", "status"),
        "agency": ("column of the agency", "office"),
        "channel": ("column of the channel", "channel"),
        "resource": ("column of the resource (staff member or system)", "clerk"),
    },
    "FeedbackSpec": {
        "path": (
            "one path or a list; globs allowed; inside the journey's folder",
            "data/a11-responses-fy2025.csv",
        ),
        "instrument": (
            "`a11_v1` | `a11_v2` (default: inferred from the file)",
            "a11_v2",
        ),
        "columns": (
            "which columns hold the touchpoint and the date of the response",
            {"touchpoint": "service_stage", "submitted": "created_at"},
        ),
        "map": (
            "value in the touchpoint column -> touchpoint id",
            {"Apply online": "R3"},
        ),
        "every": ("`month` | `quarter` | `year` (federal fiscal)", "quarter"),
        "by": ("a segment column", "channel"),
        "min_cell": ("smallest number of answers shown (default 10)", 10),
    },
    "FeedbackColumns": {
        "touchpoint": ("column naming the touchpoint of the response", "service_stage"),
        "submitted": ("column of the date of the response", "created_at"),
    },
    "Scenario": {
        "id": ("slug naming the scenario", "dd214-shared-by-dod"),
        "title": ("human title", "DoD sends the DD-214 to VA"),
        "assumptions": (
            "what must be true for the scenario",
            "With the member's consent, DoD shares the DD-214 electronically.",
        ),
        "changes": (
            "each exactly one of `ask_once`, `touchpoint`, `remove` or `add`",
            [{"ask_once": "dd214", "effort_saved": "20min"}],
        ),
    },
}

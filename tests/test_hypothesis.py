"""Properties: valid journeys round-trip; mutated files only ever give located errors."""

from __future__ import annotations

from conftest import DATA, tiny_journey_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import journeys

from journeymap import Journey, JourneyFileError, check_journey, dump_journey, parse_journey

BASES = [tiny_journey_text(), (DATA / "contract-example.yaml").read_text(encoding="utf-8")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_round_trip(doc: dict[str, object]) -> None:
    journey = Journey.model_validate(doc)
    text = dump_journey(journey)
    again = parse_journey(text)
    assert again == journey
    assert dump_journey(again) == text


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    text = draw(st.sampled_from(BASES))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        if not lines:
            break
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "swap", "char", "garbage", "value", "dup"]))
        if kind == "delete":
            del lines[i]
        elif kind == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "char" and lines[i]:
            k = draw(st.integers(min_value=0, max_value=len(lines[i]) - 1))
            c = draw(st.sampled_from([*list(":-[]{}&*!|>'\"#%@` \t\n,?"), "x", "1", "\x00"]))
            lines[i] = lines[i][:k] + c + lines[i][k + 1 :]
        elif kind == "value" and ": " in lines[i]:
            key = lines[i].split(": ", 1)[0]
            value = draw(
                st.sampled_from(["1", "-3", ".nan", "true", "null", "[]", "{}", "[a, b]", "x", "5"])
            )
            lines[i] = f"{key}: {value}\n"
        elif kind == "dup":
            lines.insert(i, lines[i])
        else:
            lines.insert(i, draw(st.text(max_size=12)) + "\n")
    data = "".join(lines).encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):
        k = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:k] + draw(st.binary(max_size=4)) + data[k:]
    return data


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_mutations_give_only_located_errors(data: bytes) -> None:
    try:
        parse_journey(data, source="m.yaml")
    except JourneyFileError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.source == "m.yaml"
            assert problem.line is not None and problem.line >= 1, str(problem)
            assert problem.column is not None and problem.column >= 1, str(problem)
            assert problem.message
    result = check_journey(data, source="m.yaml")
    assert result.ok == (result.journey is not None)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_garbage_bytes(data: bytes) -> None:
    try:
        parse_journey(data, source="g.yaml")
    except JourneyFileError as err:
        assert all(p.line is not None for p in err.problems), err

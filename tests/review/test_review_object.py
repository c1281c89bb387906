"""The Review object: one orchestration, lettered order, exact to_dict, float frames, immutability,
and fields the runner adds (90% intervals) flowing through to the briefing."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from usmca.data.baseline import load_baseline
from usmca.scenarios.review import Review, interval, run_review, scenario_order


@pytest.fixture(scope="module")
def review(stub_solver) -> Review:
    # asked for out of order: the review puts them in their lettered order
    return run_review(["current_law_2027", "termination", "status_quo_2025", "auto_rvc85_us_content"],
                      load_baseline(), solver=stub_solver, engine_rates=False)


def test_scenarios_are_in_lettered_order(review):
    letters = [scenario_order(r.title)[0] for r in review.results.values()]
    assert letters == sorted(letters) and len(letters) == 4
    assert list(review.results)[-1] == "current_law_2027"          # (m) after (d), not before it


def test_to_dict_keeps_the_computed_values(review):
    d = review.to_dict()
    for name, r in review.results.items():
        assert d["scenarios"][name]["countries"] == r.countries
    assert d["countries"] == list(review.countries)
    assert {o["scenario"] for o in d["origin_whatif"]} == {"auto_rvc85_us_content"}


def test_frames_are_floats_and_match_the_dict(review):
    frames = review.to_frames()
    c = frames["countries"]
    assert c["value"].dtype == np.float64 and c["lo"].dtype == np.float64
    row = c[(c.scenario == "termination") & (c.country == "MEX") & (c.metric == "welfare_pct")]
    assert row["value"].item() == review.results["termination"].countries["MEX"]["welfare_pct"]
    assert frames["sectors"]["output_pct"].dtype == np.float64
    assert len(frames["sectors"]) == 4 * len(review.countries) * len(review.sectors)
    t = frames["tariffs"]
    assert t["scenario_pct"].dtype == np.float64 and (t["baseline_pct"] >= 0).all()
    wide = review.to_frame()
    assert wide.loc[(wide.scenario == "termination") & (wide.country == "MEX"), "welfare_pct"].item() == \
        row["value"].item()
    etr = frames["effective_rates_model"]
    assert etr.columns[0] == "partner" and all(etr[col].dtype == np.float64 for col in etr.columns[1:])


def test_review_is_immutable(review):
    with pytest.raises(dataclasses.FrozenInstanceError):
        review.generated = "x"                      # type: ignore[misc]
    with pytest.raises(TypeError):
        review.results["x"] = None                  # type: ignore[index]


def test_intervals_flow_through_to_the_frames_and_the_briefing(review):
    from usmca.report import render_briefing

    r0 = review.results["termination"]
    ivs = {"countries": {c: {"welfare_pct": [v["welfare_pct"] - 0.25, v["welfare_pct"] + 0.5]}
                         for c, v in r0.countries.items()}}
    r1 = dataclasses.replace(r0, intervals=ivs)                 # the runner's shape: countries[c][metric]
    assert interval(r1, "welfare_pct", "MEX") == pytest.approx(tuple(ivs["countries"]["MEX"]["welfare_pct"]))
    rv = dataclasses.replace(review, results={"termination": r1})
    c = rv.to_frames()["countries"]
    mex = c[(c.country == "MEX") & (c.metric == "welfare_pct")]
    assert mex["hi"].item() - mex["value"].item() == pytest.approx(0.5)
    assert math.isnan(c[c.metric == "real_wage_pct"]["lo"].iloc[0])
    assert rv.to_dict()["scenarios"]["termination"]["intervals"] == ivs
    html = render_briefing(rv)
    assert "90% Monte Carlo interval" in html
    lo, hi = ivs["countries"]["MEX"]["welfare_pct"]
    assert f'<span class="iv">{lo:+.2f} to {hi:+.2f}</span>' in html      # under the figure, on the page
    assert "no interval" in html                                            # real wage has none here: said so


def test_unknown_scenario_is_a_user_error(stub_solver):
    from usmca.errors import UserInputError

    with pytest.raises(UserInputError, match="no_such"):
        run_review(["no_such"], solver=stub_solver)

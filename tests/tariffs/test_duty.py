"""Duty components of representative lines before, on and after each change of measure.

Expected rates are the published ones (column 1 of the 2025 HTS; the rates of the orders and
proclamations cited in ``us/``), added by hand per the non-stacking rules of EO 14289 as amended.
"""

from __future__ import annotations

import pytest

from usmca.errors import UserInputError
from usmca.tariffs import duty


def run(schedule, hts, origin, date, value=1000.0, **kw):  # noqa: ANN001, ANN201
    return duty(hts, origin, date, value, schedule=schedule, **kw)


def parts(res) -> dict[str, float]:  # noqa: ANN001
    return {c.measure: c.rate for c in res.components if c.rate > 0}


CASES = [
    # car, Mexico
    ("8703.23.01", "MX", "2025-03-03", {}, 2.5, {"mfn"}),
    ("8703.23.01", "MX", "2025-03-04", {}, 27.5, {"mfn", "ieepa_fentanyl"}),
    ("8703.23.01", "MX", "2025-03-06", {"usmca_claim": True}, 25.0, {"ieepa_fentanyl"}),
    ("8703.23.01", "MX", "2025-03-07", {"usmca_claim": True}, 0.0, set()),
    ("8703.23.01", "MX", "2025-04-02", {}, 27.5, {"mfn", "ieepa_fentanyl"}),
    ("8703.23.01", "MX", "2025-04-03", {}, 27.5, {"mfn", "section232_autos"}),
    ("8703.23.01", "MX", "2025-04-03", {"usmca_claim": True, "us_content": 0.4}, 15.0, {"section232_autos"}),
    ("8703.23.01.90", "MX", "2026-02-24", {}, 27.5, {"mfn", "section232_autos"}),
    # auto part, Canada
    ("8708.99.68", "CA", "2025-05-02", {}, 27.5, {"mfn", "ieepa_fentanyl"}),
    ("8708.99.68", "CA", "2025-05-03", {}, 27.5, {"mfn", "section232_auto_parts"}),
    ("8708.99.68", "CA", "2025-05-03", {"usmca_claim": True}, 0.0, set()),
    ("8708.99.68", "CA", "2025-08-01", {}, 27.5, {"mfn", "section232_auto_parts"}),
    # steel, Canada
    ("7208.10.15", "CA", "2025-03-11", {}, 25.0, {"ieepa_fentanyl"}),
    ("7208.10.15", "CA", "2025-03-12", {}, 25.0, {"ieepa_fentanyl"}),
    ("7208.10.15", "CA", "2025-03-12", {"usmca_claim": True}, 25.0, {"section232_steel"}),
    ("7208.10.15", "CA", "2025-06-03", {}, 25.0, {"ieepa_fentanyl"}),
    ("7208.10.15", "CA", "2025-06-04", {}, 50.0, {"section232_steel"}),
    ("7208.10.15", "CA", "2026-03-02", {}, 50.0, {"section232_steel"}),
    # aluminum, Mexico
    ("7601.10.60", "MX", "2025-03-11", {}, 25.0, {"ieepa_fentanyl"}),
    ("7601.10.60", "MX", "2025-06-03", {}, 25.0, {"ieepa_fentanyl"}),
    ("7601.10.60", "MX", "2025-06-04", {}, 50.0, {"section232_aluminum"}),
    # copper wire, Canada
    ("7408.11.60", "CA", "2025-07-31", {}, 28.0, {"mfn", "ieepa_fentanyl"}),
    ("7408.11.60", "CA", "2025-08-01", {}, 53.0, {"mfn", "section232_copper"}),
    ("7408.11.60", "CA", "2025-08-01", {"usmca_claim": True}, 50.0, {"section232_copper"}),
    # electronics: television receivers, Mexico and China
    ("8528.72.64", "MX", "2025-03-04", {}, 28.9, {"mfn", "ieepa_fentanyl"}),
    ("8528.72.64", "MX", "2025-03-07", {"usmca_claim": True}, 0.0, set()),
    ("8528.72.64", "MX", "2025-04-05", {}, 28.9, {"mfn", "ieepa_fentanyl"}),
    ("8528.72.64", "CN", "2025-02-03", {}, 3.9, {"mfn"}),
    ("8528.72.64", "CN", "2025-02-04", {}, 13.9, {"mfn", "ieepa_fentanyl_china"}),
    ("8528.72.64", "CN", "2025-04-05", {}, 33.9, {"mfn", "ieepa_fentanyl_china", "reciprocal"}),
    ("8528.72.64", "CN", "2025-11-10", {}, 23.9, {"mfn", "ieepa_fentanyl_china", "reciprocal"}),
    ("8528.72.64", "MX", "2026-02-20", {}, 3.9, {"mfn"}),
    ("8528.72.64", "MX", "2026-02-24", {}, 13.9, {"mfn", "section122"}),
    ("8528.72.64", "MX", "2026-02-24", {"usmca_claim": True}, 0.0, set()),
    ("8528.72.64", "MX", "2026-07-23", {}, 13.9, {"mfn", "section122"}),
    ("8528.72.64", "MX", "2026-07-24", {}, 13.9, {"mfn", "section301_country_rates"}),
    ("8517.13.00", "CN", "2026-03-02", {}, 0.0, set()),
    # food: artichokes (ad valorem), Mexico
    ("0709.91.00", "MX", "2025-03-03", {}, 11.3, {"mfn"}),
    ("0709.91.00", "MX", "2025-03-04", {}, 36.3, {"mfn", "ieepa_fentanyl"}),
    ("0709.91.00", "MX", "2025-03-07", {"usmca_claim": True}, 0.0, set()),
    # Canada 35% and energy
    ("0709.91.00", "CA", "2025-07-31", {}, 36.3, {"mfn", "ieepa_fentanyl"}),
    ("0709.91.00", "CA", "2025-08-01", {}, 46.3, {"mfn", "ieepa_fentanyl"}),
    # metal furniture: a steel and aluminum derivative (U.S. notes 16 and 19) from 2025-03-12; IEEPA first
    # until Proclamation 10947 (2025-06-04), then steel in its place; steel and aluminum counted once
    ("9403.20.00", "CA", "2025-03-12", {}, 25.0, {"ieepa_fentanyl"}),
    ("9403.20.00", "CA", "2025-03-12", {"usmca_claim": True}, 25.0, {"section232_steel"}),
    ("9403.20.00", "CA", "2025-08-01", {}, 50.0, {"section232_steel"}),
    ("9403.20.00", "CA", "2026-02-24", {}, 50.0, {"section232_steel"}),
    ("2709.00.20", "CA", "2025-03-04", {}, 10.0, {"ieepa_energy_potash"}),
    ("2709.00.20", "CA", "2025-03-07", {"usmca_claim": True}, 0.0, set()),
    # timber and lumber derivatives: no USMCA exemption
    ("9401.61.40.11", "CA", "2025-10-13", {"usmca_claim": True}, 0.0, set()),
    ("9401.61.40.11", "CA", "2025-10-14", {"usmca_claim": True}, 25.0, {"section232_upholstered_furniture"}),
    ("9401.61.40.11", "CA", "2025-10-14", {}, 25.0, {"section232_upholstered_furniture"}),
    # U.S. goods returned (chapter 98) carry no additional duty
    ("9801.00.10", "CA", "2025-08-01", {}, 0.0, set()),
    ("9801.00.10", "MX", "2026-03-02", {}, 0.0, set()),
]


@pytest.mark.parametrize("hts, origin, date, kw, total, measures", CASES)
def test_duty_cases(schedule, hts, origin, date, kw, total, measures) -> None:  # noqa: ANN001
    res = run(schedule, hts, origin, date, **kw)
    assert res.total_rate == pytest.approx(total)
    assert set(parts(res)) == measures
    assert res.total_duty == pytest.approx(sum(c.duty for c in res.components))
    assert res.total_duty == pytest.approx(1000.0 * total / 100.0)


def test_components_cite_their_law(schedule) -> None:  # noqa: ANN001
    res = run(schedule, "7408.11.60", "CA", "2025-08-01")
    for c in res.components:
        assert c.reference["url"].startswith("https://")
    cu = next(c for c in res.components if c.measure == "section232_copper")
    assert "14893" in cu.reference["url"]


def test_specific_duty_needs_quantity(schedule) -> None:  # noqa: ANN001
    res = run(schedule, "0804.40.00", "MX", "2025-03-04", value=2000.0)
    assert any("specific duty" in w for w in res.warnings)
    assert res.total_rate == pytest.approx(25.0)
    res = run(schedule, "0804.40.00", "MX", "2025-03-04", value=2000.0, quantity=1000.0)
    # 11.2 cents/kg x 1000 kg = 112 USD = 5.6% of 2000, plus 25%
    assert res.total_rate == pytest.approx(30.6)
    # the same through the ad valorem equivalent at 2.00 USD/kg: 100 x 0.112 / 2 = 5.6%
    res = run(schedule, "0804.40.00", "MX", "2025-03-04", value=2000.0, unit_value=2.0)
    assert res.total_rate == pytest.approx(30.6)


def test_stacking_is_explained(schedule) -> None:  # noqa: ANN001
    res = run(schedule, "7208.10.15", "CA", "2025-06-04")
    assert any("ieepa_fentanyl not applied: excluded by section232_steel" in w for w in res.warnings)


def test_claim_from_non_party_is_ignored(schedule) -> None:  # noqa: ANN001
    res = run(schedule, "8528.72.64", "CN", "2025-04-05", usmca_claim=True)
    assert res.total_rate == pytest.approx(33.9)
    assert any("not encoded" in w for w in res.warnings)
    assert any("not a USMCA party" in w for w in res.warnings)


def test_result_reports_schedule_revision(schedule) -> None:  # noqa: ANN001
    assert run(schedule, "8703.23.01", "MX", "2025-05-01").schedule["revision"] == "test 2025"
    assert run(schedule, "8703.23.01", "MX", "2026-05-01").schedule["revision"] == "test 2026"
    doc = run(schedule, "8703.23.01", "MX", "2025-05-01").to_dict()
    assert {"total_rate", "total_duty", "components", "schedule"} <= set(doc)


@pytest.mark.parametrize("hts, origin, date, value, kw, field", [
    ("9999.99.99", "MX", "2025-05-01", 1.0, {}, "--hts"),
    ("87A3", "MX", "2025-05-01", 1.0, {}, "--hts"),
    ("9903.01.10", "CA", "2025-08-01", 1.0, {}, "--hts"),
    ("8703.23.01", "MEX", "2025-05-01", 1.0, {}, "--origin"),
    ("8703.23.01", "MX", "2024-12-31", 1.0, {}, "--date"),
    ("8703.23.01", "MX", "2027-01-01", 1.0, {}, "--date"),
    ("8703.23.01", "MX", "2025-02-30", 1.0, {}, "--date"),
    ("8703.23.01", "MX", "2025-05-01", -1.0, {}, "--value"),
    ("8703.23.01", "MX", "2025-05-01", 1.0, {"us_content": 1.5}, "--us-content"),
])
def test_user_errors(schedule, hts, origin, date, value, kw, field) -> None:  # noqa: ANN001
    with pytest.raises(UserInputError) as err:
        duty(hts, origin, date, value, schedule=schedule, **kw)
    assert err.value.source == field


def test_reform_changes_the_answer(schedule) -> None:  # noqa: ANN001
    from usmca.law import Reform, default_tree

    reform = Reform.from_dict({
        "description": "Scenario: the IEEPA duty also falls on USMCA-claimed goods",
        "reference": {"instrument": "scenario", "provision": "n/a", "url": "https://example.org/scenario"},
        "changes": {"us/ieepa/fentanyl/usmca_treatment/MX": {"2025-03-07": "none"}},
    })
    tree = default_tree().with_reform(reform)
    base = run(schedule, "8528.72.64", "MX", "2025-05-01", usmca_claim=True)
    alt = duty("8528.72.64", "MX", "2025-05-01", 1000.0, usmca_claim=True, schedule=schedule, tree=tree)
    assert base.total_rate == pytest.approx(0.0)
    assert alt.total_rate == pytest.approx(25.0)


def test_http_api_alias(schedule) -> None:  # noqa: ANN001
    res = duty(hts="8528.72.64", origin="MX", date="2025-05-01", value=100.0, usmca=True, us_content=None,
               schedule=schedule)
    assert res.usmca_claim is True and res.total_rate == pytest.approx(0.0)

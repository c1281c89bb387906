"""The register of US tariff actions (us/actions) names every encoded measure and only existing paths."""

from __future__ import annotations

from usmca.law import default_tree
from usmca.tariffs.declared import measure_paths

T = default_tree()
ROWS = T.table("us/actions")


def test_statuses_and_paths() -> None:
    assert set(ROWS["status"]) <= {"encoded", "partly encoded", "not encoded"}
    for r in ROWS.to_dict(orient="records"):
        if r["status"] == "not encoded":
            assert not r["law_path"] and r["note"], r["action"]
        else:
            assert r["law_path"] in T or T.paths(r["law_path"]), (r["action"], r["law_path"])


def test_every_declared_measure_is_in_the_register() -> None:
    encoded = [p for p in ROWS["law_path"] if p]
    for decl in measure_paths(T):
        folder = decl.rsplit("/", 1)[0]
        assert any(p == folder or p.startswith(folder + "/") or folder.startswith(p + "/") for p in encoded), folder


def test_the_register_reaches_the_latest_documented_actions() -> None:
    assert ROWS["effective_from"].max() >= "2026-09-29"
    sec338 = ROWS[(ROWS["authority"] == "Section 338") & (ROWS["status"] == "encoded")]
    assert set(sec338["law_path"]) >= {f"us/section338/{n}" for n in ("alcoholic_beverages", "dairy", "motor_vehicles")}
    assert (ROWS["law_path"] == "us/section301/country_rates").sum() == 1

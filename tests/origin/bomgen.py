"""Random BOMs inside the fast path's scope (shared by the agreement and property tests)."""

from __future__ import annotations

import json
import random
from typing import Any

GOODS = ["8501.52", "8413.70", "8708.99", "9018.90", "7326.90", "3926.90", "8482.10", "8471.80"]
CODES = ["8501.10", "8503.00", "8413.91", "8708.40", "8708.99", "7318.15", "7326.90", "3926.90",
         "8482.99", "8544.42", "9018.90", "8471.80", "8473.30", "7208.51", "85", "8501"]
RULES = [
    [{"shift": "CTH"}],
    [{"shift": "CTH", "except": ["85.03"]}, {"shift": "none", "rvc": {"tv": 60, "nc": 50}}],
    [{"shift": "CTSH", "rvc": {"tv": 40, "nc": 30}}],
    [{"shift": "CC", "except": ["84.07-84.09", "72"]}],
    [{"shift": "none", "rvc": {"nc": 62.5}}],
    [{"shift": "CTH", "from_only": ["73", "39"]}, {"shift": "CTSH", "rvc": {"tv": 55}}],
]


MOTOR: dict[str, Any] = {
    "good": {"description": "Electric motor", "hs": "8501.52", "produced_in": "MX", "date": "2025-03-01",
             "method": "NC", "transaction_value": 410.00, "international_shipping": 12.00,
             "costs": {"total_cost": 380.00, "excluded": {"sales_promotion": 6.00, "royalties": 4.00,
                                                          "shipping_packing": 9.00, "non_allowable_interest": 0}}},
    "materials": [
        {"id": "stator", "hs": "8503.00", "value": 120.00, "origin": "non_originating", "country": "CN"},
        {"id": "housing", "hs": "7326.90", "value": 40.00, "origin": "originating", "country": "MX"},
        {"id": "wire", "hs": "8544.11", "value": 90.00, "origin": "non_originating", "country": "CN"},
    ],
}
"""The electric-motor BOM of the API and what-if tests (adjusted TV 398, VNM 210, NC base 361)."""


def motor_bom(**good: Any) -> dict[str, Any]:
    """A deep copy of :data:`MOTOR` with ``good`` fields replaced (e.g. ``rule=...``, ``date=...``)."""
    b: dict[str, Any] = json.loads(json.dumps(MOTOR))
    b["good"].update(good)
    return b


def _money(rng: random.Random, lo: float, hi: float) -> float:
    return round(rng.uniform(lo, hi), 2)


def _materials(rng: random.Random, depth: int, max_depth: int, n: int, designated: bool = False
               ) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        m: dict[str, Any] = {"id": f"m{depth}_{i}", "hs": rng.choice(CODES), "value": _money(rng, 0.5, 40),
                             "country": rng.choice(["MX", "US", "CA", "CN", "DE", None])}
        if depth < max_depth and rng.random() < 0.3:
            m["intermediate"] = rng.random() < 0.5 and not designated  # no nested designations (UR s. 8(6))
            m["rule"] = rng.choice(RULES)
            m["materials"] = _materials(rng, depth + 1, max_depth, rng.randint(1, 4), designated or m["intermediate"])
            # a self-produced material is worth at least its inputs
            m["value"] = round(sum(x["value"] for x in m["materials"]) * rng.uniform(1.0, 1.5) + 0.01, 2)
            if rng.random() < 0.3:
                m["origin"] = rng.choice(["originating", "non_originating"])
        else:
            m["origin"] = rng.choice(["originating", "non_originating", "unknown"])
            _leaf_extras(rng, m)
        out.append(m)
    return out


def random_bom(seed: int, max_depth: int = 3) -> dict[str, Any]:
    """A random BOM mapping (reproducible from ``seed``)."""
    rng = random.Random(seed)
    mats = _materials(rng, 0, max_depth - 1, rng.randint(1, 8))
    total = sum(m["value"] for m in mats)
    good: dict[str, Any] = {"hs": rng.choice(GOODS), "produced_in": rng.choice(["MX", "US", "CA"]),
                            "date": "2025-03-01", "method": rng.choice(["TV", "NC", "best"]),
                            "rule": rng.choice(RULES)}
    if rng.random() < 0.8:
        good["transaction_value"] = round(total * rng.uniform(1.0, 3.0) + 1, 2)
    if rng.random() < 0.8:
        tc = round(total * rng.uniform(1.0, 2.5) + 1, 2)
        good["costs"] = {"total_cost": tc, "excluded": {"royalties": round(tc * rng.uniform(0, 0.1), 2)}}
    return {"good": good, "materials": mats}


def _leaf_extras(rng: random.Random, m: dict[str, Any]) -> None:
    """Flags (Art. 4.9, 4.14-4.16), producer statements (Art. 4.11), adjustments (Art. 4.7)."""
    v = m["value"]
    r = rng.random()
    if r < 0.08:
        m["flags"] = [rng.choice(["accessory", "retail_packaging", "packing_for_shipment", "indirect"])]
        return
    if m["origin"] == "originating":
        return
    if r < 0.22:
        kind = rng.choice(["nc_vnm", "amount", "tv_vnm"])
        if kind == "nc_vnm":
            nc = round(v * rng.uniform(0.8, 1.0), 2)
            m["supplier_statement"] = {"type": kind, "net_cost": nc, "vnm": round(nc * rng.uniform(0, 0.9), 2)}
        elif kind == "amount":
            m["supplier_statement"] = {"type": kind, "amount": round(v * rng.uniform(0, 1), 2)}
        else:
            m["supplier_statement"] = {"type": kind, "vnm": round(v * rng.uniform(0, 1), 2)}
    elif r < 0.32:
        m["adjustments"] = {"freight": round(v * rng.uniform(0, 0.1), 2), "duties": round(v * rng.uniform(0, 0.1), 2),
                            "evidence": rng.random() < 0.7}

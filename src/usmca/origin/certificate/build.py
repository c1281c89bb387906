"""Assemble a certification of origin: the nine minimum data elements of USMCA Annex 5-A.

Elements (Annex 5-A; US implementation 19 CFR 182.12(a)(4)):

1. certifier role (importer, exporter or producer); 2. certifier; 3. exporter; 4. producer;
5. importer; 6. description and HS classification of the good (6 digits); 7. origin criterion
(A-D, E in the US); 8. blanket period; 9. authorized signature and date.

The good must be originating (:func:`usmca.origin.qualify`): a good that does not qualify, or
whose determination is undetermined, is refused. A blanket period ``[from, to]`` (both dates
inclusive) may cover at most ``M`` months, ``M`` = law parameter ``usmca/ch05/blanket_period_max``
(Art. 5.2.4(b)): it is accepted when ``to < from + M months``, so 2026-01-01..2026-12-31 passes
and 2026-01-01..2027-01-01 does not.
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path
from typing import Any

from usmca.errors import UserInputError
from usmca.law import default_tree

from ..qualify import qualify
from .schema import Parties, load_parties

__all__ = ["BLANKET_PATH", "ELEMENTS_PATH", "add_months", "check_blanket_period", "make_certificate"]

BLANKET_PATH = "usmca/ch05/blanket_period_max"
ELEMENTS_PATH = "usmca/ch05/minimum_data_elements"


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` plus ``months`` calendar months (day clipped to the month's length)."""
    y, m = divmod(d.month - 1 + int(months), 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _date(v: Any, option: str) -> dt.date:
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        raise UserInputError(option, "", v, "expected a date YYYY-MM-DD") from None


def _ref(entry: Any) -> dict[str, Any]:
    r = entry.reference
    return {"instrument": r.instrument, "provision": r.provision, "url": r.url}


def check_blanket_period(start: Any, end: Any, tree: Any) -> dict[str, Any] | None:
    """Validate a blanket period against the Chapter 5 maximum in force on its first day.

    Returns
    -------
    dict or None
        ``{"from", "to", "max_months", "reference"}``; ``None`` when no period is given
        (a certification for a single shipment).

    Raises
    ------
    UserInputError
        One date without the other, an end before the start, or a period over the maximum.
    """
    if start is None and end is None:
        return None
    if start is None or end is None:
        opt = "--blanket-from" if start is None else "--blanket-to"
        raise UserInputError(opt, "", None, "a blanket period needs both --blanket-from and --blanket-to")
    a, b = _date(start, "--blanket-from"), _date(end, "--blanket-to")
    if b < a:
        raise UserInputError("--blanket-to", "", b.isoformat(), f"ends before --blanket-from {a.isoformat()}")
    entry = tree.entry(BLANKET_PATH, a)
    months = int(entry.value)
    if b >= add_months(a, months):
        raise UserInputError("--blanket-to", "", b.isoformat(),
                             f"blanket period {a.isoformat()}..{b.isoformat()} exceeds {months} months "
                             f"({entry.reference.instrument} {entry.reference.provision})")
    return {"from": a.isoformat(), "to": b.isoformat(), "max_months": months, "reference": _ref(entry)}


def make_certificate(bom: str | Path | Any, parties: str | Path | Parties, *, blanket_from: Any = None,
                     blanket_to: Any = None, date: Any = None, tree: Any = None) -> dict[str, Any]:
    """The certification of origin of the good of ``bom`` as a JSON-ready mapping.

    Parameters
    ----------
    bom
        Bill of materials (path or mapping) for :func:`usmca.origin.qualify`.
    parties
        PARTIES.yaml path or a validated :class:`Parties`.
    blanket_from, blanket_to
        Optional blanket period (both inclusive).
    date
        Date of the origin determination (default: the BOM's date, else today).
    tree
        Law tree (default :func:`usmca.law.default_tree`).

    Raises
    ------
    UserInputError
        The good is not (or not surely) originating, the blanket period is too long, the good has
        no description or an HS code shorter than 6 digits, or PARTIES breaks its schema.
    """
    tree = tree if tree is not None else default_tree()
    p = parties if isinstance(parties, Parties) else load_parties(parties)
    blanket = check_blanket_period(blanket_from, blanket_to, tree)
    res = qualify(bom, date=date, tree=tree).to_dict()
    source = str(bom) if isinstance(bom, (str, Path)) else "BOM"
    if res.get("originating") is not True:
        state = "undetermined" if res.get("originating") is None else "not originating"
        raise UserInputError(source, "good", res.get("good", {}).get("hs"),
                             f"the good is {state} on {res.get('date')}: no certification of origin can be "
                             "completed (run usmca origin qualify for the trace)")
    good = res["good"]
    digits = str(good.get("hs", "")).replace(".", "")
    if len(digits) < 6:
        raise UserInputError(source, "good.hs", good.get("hs"), "the certification needs the 6-digit HS "
                                                                "classification (Annex 5-A element 6)")
    if not good.get("description"):
        raise UserInputError(source, "good.description", None, "the certification needs a description of the "
                                                               "good (Annex 5-A element 6)")
    elements = tree.entry(ELEMENTS_PATH, res["date"])
    parts = p.resolved()
    cert = {
        "certifier_role": parts["certifier_role"],
        "certifier": parts["certifier"],
        "exporter": parts["exporter"],
        "producer": parts["producer"],
        "importer": parts["importer"],
        "good": {"description": good["description"], "hs": f"{digits[:4]}.{digits[4:6]}",
                 "hts": good["hs"], "produced_in": good.get("produced_in")},
        "origin_criterion": res["criterion"],
        "blanket_period": blanket,
        "signature": parts["signature"],
        "data_elements": list(elements.value),
        "reference": _ref(elements),
        "determination": {"date": res["date"], "criterion": res["criterion"], "rule": res.get("rule"),
                          "rvc": res.get("rvc")},
    }
    missing = [k for k in ("certifier_role", "certifier", "signature") if not cert[k]]
    if missing:  # pragma: no cover - the schema already requires them
        raise UserInputError("PARTIES", missing[0], None, "required by Annex 5-A")
    return cert

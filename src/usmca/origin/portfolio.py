"""Portfolio mode: compile validated BOMs into flat arrays and evaluate them together.

:func:`compile_boms` turns BOMs into a :class:`usmca.origin.vector.Portfolio` (a one-off Python
pass over the lines, like parsing); :func:`qualify_many` evaluates the portfolio with the numpy
path and falls back to the exact Decimal engine for the goods the fast path does not model (and
for every good when ``exact=True``), so that the answers are the same as :func:`qualify`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, Sequence

import numpy as np

from usmca.hs import HsSet, code_to_int

from .bom import Bom, Material
from .context import PARTIES, Context, P
from .rules import Alternative, parse_rule
from .vector import Portfolio, PortfolioResult, concat_goods, evaluate_portfolio, goods_only

__all__ = ["compile_boms", "iter_compiled", "qualify_many", "qualify_stream"]

_METHOD = {"best": 0, "TV": 1, "NC": 2}


class _Builder:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rules: list[tuple[Alternative, ...]] = []
        self._rule_ids: dict[Any, int] = {}
        self.countries: list[str] = []
        self._cidx: dict[str, int] = {}
        self.nodes: list[list[Any]] = []   # good_int, good_len, rule, tv, nc, tc, method, depth, supported, line
        self.lines: list[list[Any]] = []   # parent, node, value, declared, intermediate, int, len, country
        self._excluded = [ctx.law.codes(P.DM_VALUE_EXCLUDED), ctx.law.codes(P.DM_DIFF_SUBHEADING),
                          ctx.law.codes(P.DM_TEXTILE_CHAPTERS)]
        goods = " ".join(str(x) for x in ctx.law.table(P.DM_EXCEPTIONS)["good_hs"])
        self._excluded.append(HsSet.parse(goods))
        self.review = bool(ctx.law.get(P.NME_IN_EFFECT, False) or ctx.law.get(P.FLOOR_IN_EFFECT, False))

    def country(self, c: str | None) -> int:
        key = c or "unknown"
        if key not in self._cidx:
            self._cidx[key] = len(self.countries)
            self.countries.append(key)
        return self._cidx[key]

    def rule(self, inline: Any, hs: str | None) -> int:
        if inline is not None:
            key: Any = ("inline", repr(inline))
            if key not in self._rule_ids:
                self._rule_ids[key] = len(self.rules)
                self.rules.append(parse_rule(inline))
            return self._rule_ids[key]
        if hs is None:
            return -1
        key = ("lib", hs)
        if key not in self._rule_ids:
            choice = self.ctx.library_rule(hs)
            if choice is None:
                self._rule_ids[key] = -1
            else:
                self._rule_ids[key] = len(self.rules)
                self.rules.append(choice.alternatives)
        return self._rule_ids[key]

    def _special_good(self, hs: str | None) -> bool:
        return hs is not None and any(s.contains(hs) is not False for s in self._excluded)

    def add_bom(self, bom: Bom) -> int:
        g = bom.good
        tv = float(g.transaction_value - g.international_shipping) if g.transaction_value is not None else np.nan
        nc = float(g.costs.net_cost) if g.costs else np.nan
        tc = float(g.costs.total_cost) if g.costs else np.nan
        ok = not (g.set or g.wholly_obtained or g.use or bom.automotive or g.unassembled_gri2a or self.review
                  or g.produced_in not in PARTIES or self._special_good(g.hs)
                  or bom.shipment is not None or bom.averaging is not None  # Art. 4.18, UR s. 7(15): exact path
                  or not bom.materials)  # a BOM without materials is undetermined (usmca.origin.determine)
        node = self._node(g.hs, self.rule(g.rule, g.hs) if not (g.use or bom.automotive) else -1, tv, nc, tc,
                          _METHOD[g.method], 0, ok, -1)
        if not self._materials(bom.materials, node, 0, g.produced_in):
            self.nodes[node][8] = False
        return node

    def _node(self, hs: str | None, rule: int, tv: float, nc: float, tc: float, method: int, depth: int,
              ok: bool, line: int) -> int:
        gi, gl = (code_to_int(hs), len(hs)) if hs else (0, 0)
        self.nodes.append([gi, gl, rule, tv, nc, tc, method, depth, ok, line])
        return len(self.nodes) - 1

    def _materials(self, mats: Sequence[Material], parent: int, depth: int, produced_in: str | None,
                   designated: bool = False) -> bool:
        ok = True
        for m in mats:
            ok = ok and _modelled(m, designated)
            declared = {"originating": 1, "non_originating": 0}.get(m.origin or "", -1 if m.materials else 0)
            extra, leaf_ok = _leaf(m, declared)
            ok = ok and leaf_ok
            if extra[0] == 2 or m.wholly_obtained:
                declared = 1  # indirect (Art. 4.9) and wholly obtained (Art. 4.3) materials originate
            hi, hl = (code_to_int(m.hs), len(m.hs)) if m.hs else (0, 0)
            li = len(self.lines)
            country = self.country(m.country or (produced_in if m.materials else None))
            self.lines.append([parent, -1, float(m.material_value), declared, m.intermediate, hi, hl, country, *extra])
            if m.materials:
                v = float(m.material_value)
                tv = float(m.transaction_value) if m.transaction_value is not None else v
                nc = float(m.costs.net_cost) if m.costs else v
                tc = float(m.costs.total_cost) if m.costs else v
                node = self._node(m.hs, self.rule(m.rule, m.hs), tv, nc, tc, 0, depth + 1,
                                  not self._special_good(m.hs), li)
                self.lines[li][1] = node
                sub_country = m.country or produced_in
                if not self._materials(m.materials, node, depth + 1, sub_country, designated or m.intermediate) \
                        or not self.nodes[node][8]:
                    ok = False
        return ok


def _modelled(m: Material, designated: bool) -> bool:
    """Whether the numpy path models this material line (else the good takes the exact path)."""
    if m.intermediate and designated:
        return False  # nested designations: the exact path applies UR s. 8(6)
    if m.textile_item or m.recovered or "part" in m.flags or m.fungible is not None:
        return False
    if m.origin != "originating" and m.hs is None:
        return False  # a material without HS code leaves the shift undetermined
    if m.materials and (m.flags or m.supplier_statement or m.adjustments or m.wholly_obtained):
        return False
    self_produced = m.self_produced if m.self_produced is not None else bool(m.materials)
    return not (m.materials and not self_produced)


def _leaf(m: Material, declared: int) -> tuple[list[Any], bool]:
    """Role, de minimis value, VNM (TV, NC) and net-cost adjustment of a line (Art. 4.7, 4.9, 4.11,
    4.14-4.16), as in :mod:`usmca.origin.lines`; False when the fast path cannot model it."""
    flags = set(m.flags)
    role = 3 if "packing_for_shipment" in flags else 2 if "indirect" in flags else \
        1 if flags & {"accessory", "retail_packaging"} else 0
    value = m.material_value
    if m.materials or declared == 1 or role in (2, 3) or m.wholly_obtained:
        v = float(value)
        return [role, v, v, v, 0.0], True
    adj = m.adjustments
    if adj is not None and adj.evidence:
        value = max(value - adj.total, type(value)(0))
    vnm_tv = vnm_nc = value
    nc_adjust = 0.0
    st = m.supplier_statement
    if st is not None and st.signed:
        if st.type == "tariff_classification" or None in (st.amount if st.type == "amount" else st.vnm,
                                                          st.net_cost if st.type == "nc_vnm" else 0):
            return [role, float(value), float(value), float(value), 0.0], False
        # the BOM schema requires the fields of each statement type (usmca.origin.bom.SupplierStatement)
        if st.type == "nc_vnm" and st.vnm is not None and st.net_cost is not None:
            vnm_tv = vnm_nc = st.vnm
            nc_adjust = float(st.net_cost + st.added_costs - value)
        elif st.type == "amount" and st.amount is not None:
            vnm_nc = max(value - st.amount, type(value)(0))
        elif st.type == "tv_vnm" and st.vnm is not None:
            vnm_tv = st.vnm
    return [role, float(value), float(vnm_tv), float(vnm_nc), nc_adjust], True


def compile_boms(boms: Sequence[Bom], ctx: Context) -> Portfolio:
    """Flat arrays of a list of BOMs (goods are nodes ``0 .. len(boms)-1``)."""
    return _compile(_Builder(ctx), boms)


def iter_compiled(boms: Iterable[Bom], ctx: Context, chunk_size: int) -> Iterator[Portfolio]:
    """Compile BOMs lazily, ``chunk_size`` goods per :class:`Portfolio`; the chunks share one rule
    and one country list (so the country columns of every chunk are a prefix of the last one's)."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, not {chunk_size}")
    b = _Builder(ctx)
    it = iter(boms)
    while chunk := list(islice(it, chunk_size)):
        b.nodes, b.lines = [], []
        yield _compile(b, chunk)


def _compile(b: _Builder, boms: Sequence[Bom]) -> Portfolio:
    ctx = b.ctx
    roots = []
    for bom in boms:
        roots.append(len(b.nodes))
        b.add_bom(bom)
    order = np.array(roots, dtype=np.int64)
    # renumber so that goods come first
    n_nodes = len(b.nodes)
    is_root = np.zeros(n_nodes, dtype=bool)
    is_root[order] = True
    new = np.empty(n_nodes, dtype=np.int64)
    new[order] = np.arange(len(order))
    new[~is_root] = np.arange(len(order), n_nodes)
    nodes = [None] * n_nodes
    for old, row in enumerate(b.nodes):
        nodes[new[old]] = row
    N = np.array(nodes, dtype=object) if nodes else np.zeros((0, 10), dtype=object)
    L = np.array(b.lines, dtype=object) if b.lines else np.zeros((0, 13), dtype=object)
    lp = new[L[:, 0].astype(np.int64)] if len(L) else np.zeros(0, dtype=np.int64)
    ln = L[:, 1].astype(np.int64) if len(L) else np.zeros(0, dtype=np.int64)
    ln = np.where(ln >= 0, new[np.maximum(ln, 0)], -1)
    # roots keep -1 as their line; the good's supported flag: all nodes of its BOM supported
    p = Portfolio(
        node_good_int=N[:, 0].astype(np.int64), node_good_len=N[:, 1].astype(np.int8),
        node_rule=N[:, 2].astype(np.int32), node_tv=N[:, 3].astype(float), node_nc=N[:, 4].astype(float),
        node_tc=N[:, 5].astype(float), node_method=N[:, 6].astype(np.int8), node_depth=N[:, 7].astype(np.int16),
        node_supported=N[:, 8].astype(bool), node_line=N[:, 9].astype(np.int64),
        line_parent=lp, line_node=ln, line_value=L[:, 2].astype(float) if len(L) else np.zeros(0),
        line_declared=L[:, 3].astype(np.int8) if len(L) else np.zeros(0, np.int8),
        line_intermediate=L[:, 4].astype(bool) if len(L) else np.zeros(0, bool),
        line_int=L[:, 5].astype(np.int64) if len(L) else np.zeros(0, np.int64),
        line_len=L[:, 6].astype(np.int8) if len(L) else np.zeros(0, np.int8),
        line_country=L[:, 7].astype(np.int32) if len(L) else np.zeros(0, np.int32),
        line_role=L[:, 8].astype(np.int8), line_fail_value=L[:, 9].astype(float),
        line_vnm_tv=L[:, 10].astype(float), line_vnm_nc=L[:, 11].astype(float), line_nc_adjust=L[:, 12].astype(float),
        rules=b.rules, countries=b.countries, n_goods=len(boms),
        de_minimis=float(ctx.law.number(P.DM_GENERAL)), rvc_waiver=float(ctx.law.number(P.DM_RVC_WAIVER)))
    return p


def qualify_many(boms: Sequence[Bom], ctx: Context, *, exact: bool = False,
                 chunk_size: int | None = None) -> tuple[PortfolioResult, list[int]]:
    """Evaluate a portfolio on the numpy path; return the result and the goods needing the exact path.

    Parameters
    ----------
    chunk_size
        Evaluate ``chunk_size`` goods at a time (:func:`qualify_stream`): the same goods' results
        bit for bit, in memory bounded by one chunk; the result then holds the goods' rows only.

    Returns
    -------
    (PortfolioResult, list[int])
        Per-node arrays (goods first), and the indices of the goods whose status is -2 (evaluate
        them with :func:`usmca.origin.qualify.qualify_bom`), all goods when ``exact``.
    """
    if chunk_size is not None:
        countries: list[str] = []
        parts, fallback = [], []
        for res, fb in qualify_stream(boms, ctx, chunk_size, countries=countries):
            parts.append(res)
            fallback += fb
        res = concat_goods(parts, len(countries))
    else:
        res = evaluate_portfolio(compile_boms(boms, ctx))
        fallback = [int(i) for i in np.flatnonzero(res.status[: len(boms)] == -2)]
    return res, (list(range(len(boms))) if exact else fallback)


def qualify_stream(boms: Iterable[Bom], ctx: Context, chunk_size: int = 2000, *,
                   countries: list[str] | None = None) -> Iterator[tuple[PortfolioResult, list[int]]]:
    """Evaluate BOMs ``chunk_size`` at a time (lazily: memory flat in the number of BOMs).

    Yields
    ------
    (PortfolioResult, list[int])
        The goods' rows of each chunk (``content`` columns: a prefix of the shared country list,
        copied into ``countries`` when given), and the indices, counted from the first BOM, of
        the goods needing the exact path.
    """
    start = 0
    for p in iter_compiled(boms, ctx, chunk_size):
        res = goods_only(evaluate_portfolio(p), p.n_goods)
        if countries is not None:
            countries[:] = p.countries
        yield res, [start + int(i) for i in np.flatnonzero(res.status == -2)]
        start += p.n_goods

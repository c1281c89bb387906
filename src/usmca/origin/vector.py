"""Vectorised origin determination for portfolios (numpy, float64).

The exact engine (:mod:`.determine`) works on one BOM in Decimal with a full trace. For many
goods this module evaluates the core path on flat arrays, tier by tier, with no Python loop over
goods or materials (loops run over tiers, ancestor distances and distinct rule alternatives):

* roll-up (Art. 4.5-4.8; UR s. 7(4)-(5)): a line's contribution to its parent's VNM is
  0 if originating and (acquired or designated intermediate); the VNM of its own production
  if self-produced and not designated; its value otherwise;
* tariff shift on each non-originating line, including the producer's option to test the inputs
  of a non-originating self-produced material instead (UR s. 3(8)); value de minimis (Art. 4.12);
* RVC by TV and/or NC (Art. 4.5) with the producer's choice of method, NC-only rules (UR s. 7(6))
  and the RVC waiver (UR s. 5(4)); criterion C when every line is originating;
* the content-by-country ledger by ``np.bincount``.

Nodes whose good needs what the fast path does not model (de minimis exceptions of Annex 4-A and
UR s. 5(3)(k)-(l), textiles, sets, statements, flags, automotive goods, review caps) get status
``-2`` ("use the exact path"); :func:`usmca.origin.portfolio.qualify_many` does that fallback.
Statuses: 1 originating, 0 not originating, -1 undetermined (rule not encoded), -2 fallback.
Thresholds are compared in float64; the agreement test with the exact path excludes ties closer
than 1e-9 percentage points.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from .rules import Alternative, shift_test_array

__all__ = ["Portfolio", "PortfolioResult", "concat_goods", "evaluate_portfolio", "evaluate_stream", "goods_only",
           "rollup_vnm"]


@dataclass
class Portfolio:
    """A portfolio as flat arrays.

    Nodes are the goods (depth 0) and the self-produced lines that carry their own materials.
    Lines are materials; ``line_parent`` is the node that uses the line, ``line_node`` the node
    the line is (or -1 for a leaf).
    """

    node_good_int: np.ndarray      # int64 HS codes padded to 10 digits
    node_good_len: np.ndarray      # int8 code lengths
    node_rule: np.ndarray          # int32 index into ``rules`` (-1: not encoded)
    node_tv: np.ndarray            # float64, nan when absent
    node_nc: np.ndarray
    node_tc: np.ndarray
    node_method: np.ndarray        # int8: 0 best, 1 TV, 2 NC
    node_depth: np.ndarray         # int16
    node_supported: np.ndarray     # bool: False -> fallback to the exact path
    node_line: np.ndarray          # int64: the line a (non-root) node is, -1 for goods
    line_parent: np.ndarray        # int64 node index
    line_node: np.ndarray          # int64 node index or -1
    line_value: np.ndarray         # float64
    line_declared: np.ndarray      # int8: 1 originating, 0 non-originating, -1 determine from own BOM
    line_intermediate: np.ndarray  # bool
    line_int: np.ndarray           # int64 HS
    line_len: np.ndarray           # int8
    line_country: np.ndarray       # int32 index into ``countries``
    de_minimis: float              # percent: usmca/ch04/de_minimis/general (no default: the law says)
    rvc_waiver: float              # percent: usmca/ch04/de_minimis/rvc_waiver
    rules: list[tuple[Alternative, ...]] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    n_goods: int = 0
    # optional per-line data (defaults: ordinary materials, VNM = value, no accumulation):
    line_role: np.ndarray | None = None       # int8: 0 material, 1 accessory/retail packaging, 2 indirect,
    #                                           3 packing for shipment (Art. 4.9, 4.14-4.16)
    line_fail_value: np.ndarray | None = None  # value after Art. 4.7 deductions (de minimis)
    line_vnm_tv: np.ndarray | None = None      # VNM of a non-originating leaf, TV method (statements)
    line_vnm_nc: np.ndarray | None = None      # VNM of a non-originating leaf, NC method
    line_nc_adjust: np.ndarray | None = None   # net-cost adjustment of an nc_vnm statement (UR s. 9(2)(a))

    def fill_defaults(self) -> None:
        """Fill the optional per-line arrays with their neutral values."""
        n = len(self.line_parent)
        if self.line_role is None:
            self.line_role = np.zeros(n, dtype=np.int8)
        for name in ("line_fail_value", "line_vnm_tv", "line_vnm_nc"):
            if getattr(self, name) is None:
                setattr(self, name, self.line_value.astype(float))
        if self.line_nc_adjust is None:
            self.line_nc_adjust = np.zeros(n)


@dataclass(frozen=True)
class PortfolioResult:
    """Per-node results (goods are nodes ``0 .. n_goods-1``)."""

    status: np.ndarray             # int8 per node
    criterion: np.ndarray          # '<U1' per node ('B', 'C' or '')
    vnm_tv: np.ndarray
    vnm_nc: np.ndarray
    rvc: np.ndarray                # RVC of the first passing alternative's decisive test (nan if none)
    content: np.ndarray            # (n_goods, n_countries) value by country of origin


def _tier(p: Portfolio) -> np.ndarray:
    return p.node_depth[p.line_parent].astype(np.int64) + 1


_LINE_FIELDS = ("line_parent", "line_node", "line_value", "line_declared", "line_intermediate", "line_int",
                "line_len", "line_country", "line_role", "line_fail_value", "line_vnm_tv", "line_vnm_nc",
                "line_nc_adjust")


def _by_tier(p: Portfolio, tier: np.ndarray) -> tuple[Portfolio, np.ndarray]:
    """The portfolio with its lines sorted by tier (stable: the lines of one parent keep their order,
    so every per-parent sum adds the same numbers in the same order), and the tier of each line."""
    if n_lines := len(tier):
        if not np.all(tier[1:] >= tier[:-1]):
            order = np.argsort(tier, kind="stable")
            inv = np.empty(n_lines, dtype=np.int64)
            inv[order] = np.arange(n_lines)
            q = replace(p, **{f: getattr(p, f)[order] for f in _LINE_FIELDS},
                        node_line=np.where(p.node_line >= 0, inv[np.maximum(p.node_line, 0)], -1))
            return q, tier[order]
    return p, tier


def _ancestors(p: Portfolio, kmax: int) -> list[np.ndarray]:
    """anc[k][l]: the k-th evaluating ancestor node of line l (k = 1 is its parent), -1 if none."""
    anc = [np.full(p.line_parent.shape, -1, dtype=np.int64), p.line_parent.astype(np.int64)]
    for _ in range(2, kmax + 1):
        prev = anc[-1]
        up_line = np.where(prev >= 0, p.node_line[np.maximum(prev, 0)], -1)
        anc.append(np.where(up_line >= 0, p.line_parent[np.maximum(up_line, 0)], -1))
    return anc


def _own_fail(p: Portfolio, s: slice, anc: np.ndarray, a: int, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lines ``s`` (where ``sel``) whose own code fails alternative ``a`` of the rule of node ``anc``:
    (failing, surely failing); a line failing but not surely failing has a code too short to tell."""
    fail = np.zeros(sel.shape, dtype=bool)
    sure = np.zeros(sel.shape, dtype=bool)
    valid = sel & (anc >= 0)
    rule_of = np.where(valid, p.node_rule[np.maximum(anc, 0)], -1)
    line_int, line_len = p.line_int[s], p.line_len[s]
    for r in np.unique(rule_of[valid]):
        if r < 0 or a >= len(p.rules[r]):
            continue
        m = valid & (rule_of == r)
        nodes = anc[m]
        args = (p.rules[r][a], p.node_good_int[nodes], p.node_good_len[nodes], line_int[m], line_len[m])
        fail[m] = ~shift_test_array(*args)
        sure[m] = ~shift_test_array(*args, undetermined=True)
    return fail, sure


def evaluate_portfolio(p: Portfolio) -> PortfolioResult:
    """Evaluate every good of the portfolio (see the module docstring for the law applied).

    The lines are sorted by tier once; each tier's pass then reads and writes only its own slice
    of lines (and the nodes one level up), so the work is linear in the lines and the working set
    of a pass is one tier. Memory is linear in the portfolio's size: evaluate large portfolios in
    chunks of goods (:func:`evaluate_stream`).
    """
    p.fill_defaults()
    content = _content(p)  # in the caller's line order (its sums are order-sensitive in the last bit)
    q, tier = _by_tier(p, _tier(p))
    assert (q.line_fail_value is not None and q.line_vnm_tv is not None and q.line_vnm_nc is not None
            and q.line_nc_adjust is not None and q.line_role is not None)  # set by fill_defaults
    n_nodes, n_lines = len(q.node_rule), len(q.line_parent)
    role = q.line_role
    counted = (role == 0) | (role == 1)
    nc_eff = q.node_nc + np.bincount(q.line_parent, weights=np.where(counted, q.line_nc_adjust, 0.0),
                                     minlength=n_nodes)
    tmax = int(tier[-1]) if n_lines else 0
    bounds = np.searchsorted(tier, np.arange(tmax + 2))
    amax = max((len(r) for r in q.rules), default=0)
    anc = _ancestors(q, max(tmax, 1))
    status = np.full(n_nodes, -1, dtype=np.int8)
    crit = np.full(n_nodes, "", dtype="<U1")
    vnm_tv = np.zeros(n_nodes)
    vnm_nc = np.zeros(n_nodes)
    best_rvc = np.full(n_nodes, np.nan)
    line_orig = q.line_declared == 1
    is_node_line = q.line_node >= 0
    # fv[k][a] of the tier below: failing value (and surely failing value) of its lines against
    # alternative a of their k-th ancestor's rule
    fv_below: list[list[np.ndarray]] = []
    fs_below: list[list[np.ndarray]] = []
    for t in range(tmax, 0, -1):
        s = slice(int(bounds[t]), int(bounds[t + 1]))
        parent, node, inl = q.line_parent[s], q.line_node[s], is_node_line[s]
        orig = line_orig[s]  # a view: statuses of self-produced lines (their nodes were evaluated one tier deeper)
        nl = inl & (q.line_declared[s] < 0)
        orig[nl] = status[node[nl]] == 1
        non = ~orig & (role[s] == 0)  # tested for the shift: non-originating ordinary materials
        sp = non & inl
        sp_node = node[sp]
        fail_value = q.line_fail_value[s]
        fv = [[np.zeros(0)] * amax for _ in range(t + 2)]
        fs = [[np.zeros(0)] * amax for _ in range(t + 2)]
        if t < tmax:
            child = slice(int(bounds[t + 1]), int(bounds[t + 2]))
            child_parent = q.line_parent[child]
        for k in range(1, t + 1):
            for a in range(amax):
                failing, sure = _own_fail(q, s, anc[k][s], a, non)
                val = np.where(failing, fail_value, 0.0)
                val_sure = np.where(sure, fail_value, 0.0)
                if t < tmax:  # look-through option for non-originating self-produced lines (UR s. 3(8))
                    sums = np.bincount(child_parent, weights=fv_below[k + 1][a], minlength=n_nodes)[sp_node]
                    sums_sure = np.bincount(child_parent, weights=fs_below[k + 1][a], minlength=n_nodes)[sp_node]
                    own = val[sp]
                    inner = sums < own  # the option of least failing value is kept
                    val[sp] = np.where(inner, sums, own)
                    val_sure[sp] = np.where(inner, sums_sure, val_sure[sp])
                fv[k][a] = np.where(non, val, 0.0)
                fs[k][a] = np.where(non, val_sure, 0.0)
        fv_below, fs_below = fv, fs
        # contributions to the parent's VNM
        safe = np.maximum(node, 0)
        inter = q.line_intermediate[s]
        zero = orig & (~inl | inter)
        trace_through = inl & ~inter
        cnt = counted[s]
        c_tv = np.where(zero, 0.0, np.where(trace_through, vnm_tv[safe], q.line_vnm_tv[s]))
        c_nc = np.where(zero, 0.0, np.where(trace_through, vnm_nc[safe], q.line_vnm_nc[s]))
        vnm_tv += np.bincount(parent, weights=np.where(cnt, c_tv, 0.0), minlength=n_nodes)
        vnm_nc += np.bincount(parent, weights=np.where(cnt, c_nc, 0.0), minlength=n_nodes)
        _decide(q, t - 1, parent[cnt], orig[cnt], [f[cnt] for f in fv[1]], [f[cnt] for f in fs[1]],
                vnm_tv, vnm_nc, nc_eff, status, crit, best_rvc)
    status[~q.node_supported] = -2
    return PortfolioResult(status, crit, vnm_tv, vnm_nc, best_rvc, content)


def _decide(p: Portfolio, depth: int, parent: np.ndarray, line_orig: np.ndarray, fv1: list[np.ndarray],
            fv1_sure: list[np.ndarray], vnm_tv_all: np.ndarray, vnm_nc_all: np.ndarray, nc_all: np.ndarray,
            status: np.ndarray, crit: np.ndarray, best_rvc: np.ndarray) -> None:
    """Decide the nodes of one depth from their counted lines (``parent`` and the per-line arrays)."""
    n_nodes = len(p.node_rule)
    idx = np.flatnonzero(p.node_depth == depth)
    n_lines = np.bincount(parent, minlength=n_nodes)[idx]
    n_orig = np.bincount(parent[line_orig], minlength=n_nodes)[idx]
    all_orig = (n_lines > 0) & (n_orig == n_lines)
    rule = p.node_rule[idx]
    passed = np.zeros(len(idx), dtype=bool)
    undetermined = np.zeros(len(idx), dtype=bool)  # an alternative's RVC lacks its base (no TV / no costs)
    decisive = np.full(len(idx), np.nan)
    fails = [(np.bincount(parent, weights=f, minlength=n_nodes)[idx],
              np.bincount(parent, weights=fs, minlength=n_nodes)[idx]) for f, fs in zip(fv1, fv1_sure, strict=True)]
    for r, alts in enumerate(p.rules):
        j = np.flatnonzero(rule == r)
        if not len(j):
            continue
        nodes = idx[j]
        tv, nc, tc, method = p.node_tv[nodes], nc_all[nodes], p.node_tc[nodes], p.node_method[nodes]
        vnm_tv, vnm_nc = vnm_tv_all[nodes], vnm_nc_all[nodes]
        with np.errstate(divide="ignore", invalid="ignore"):
            rvc_tv = (tv - vnm_tv) / tv * 100.0
            rvc_nc = (nc - vnm_nc) / nc * 100.0
            waived = (vnm_tv <= p.rvc_waiver / 100.0 * tv) | (vnm_nc <= p.rvc_waiver / 100.0 * tc)
        done = np.zeros(len(j), dtype=bool)
        und = np.zeros(len(j), dtype=bool)
        dec = np.full(len(j), np.nan)
        for a, alt in enumerate(alts):
            if alt.unsupported:
                continue
            fail, fail_sure = fails[a][0][j], fails[a][1][j]
            with np.errstate(invalid="ignore"):
                dm = (fail <= p.de_minimis / 100.0 * tv) | (fail <= p.de_minimis / 100.0 * tc)
                dm_sure = (fail_sure <= p.de_minimis / 100.0 * tv) | (fail_sure <= p.de_minimis / 100.0 * tc)
            shift_ok = (fail == 0) | dm
            # undetermined shift: fails only through codes too short to tell (the exact path's None)
            shift_unsure = ~shift_ok & (fail > fail_sure) & ((fail_sure == 0) | dm_sure)
            req = alt.rvc or {}
            if req:
                t_tv = float(req["TV"]) if "TV" in req else np.nan
                t_nc = float(req["NC"]) if "NC" in req else np.nan
                use_tv = np.isfinite(t_tv) & ((method != 2) | ~np.isfinite(t_nc))
                use_nc = np.isfinite(t_nc) & ((method != 1) | ~np.isfinite(t_tv))
                ok_tv = use_tv & (rvc_tv >= t_tv)
                ok_nc = use_nc & (rvc_nc >= t_nc)
                rvc_ok = ok_tv | ok_nc | waived
                with np.errstate(invalid="ignore"):
                    lack = (use_tv & ~(tv > 0)) | (use_nc & ~(nc > 0))
                rvc_unsure = ~rvc_ok & lack
                und |= (shift_ok & rvc_unsure) | (shift_unsure & (rvc_ok | rvc_unsure))
                # the decisive test: the first passing method (TV before NC), none when waived
                cand = np.where(waived, np.nan, np.where(ok_tv, rvc_tv, np.where(ok_nc, rvc_nc, np.nan)))
            else:
                rvc_ok = np.ones(len(j), dtype=bool)
                cand = np.full(len(j), np.nan)
                und |= shift_unsure
            ok = shift_ok & rvc_ok
            dec = np.where(ok & ~done, cand, dec)
            done |= ok
        passed[j], undetermined[j], decisive[j] = done, und, dec
    encoded = rule >= 0
    status[idx] = np.where(passed | all_orig, 1, np.where(encoded & ~undetermined, 0, -1))
    crit[idx] = np.where(all_orig, "C", np.where(passed, "B", ""))
    best_rvc[idx] = decisive


def goods_only(res: PortfolioResult, n_goods: int) -> PortfolioResult:
    """The rows of the goods (nodes ``0 .. n_goods-1``) as compact copies (the node arrays can go)."""
    return PortfolioResult(res.status[:n_goods].copy(), res.criterion[:n_goods].copy(), res.vnm_tv[:n_goods].copy(),
                           res.vnm_nc[:n_goods].copy(), res.rvc[:n_goods].copy(), res.content[:n_goods].copy())


def evaluate_stream(chunks: Iterable[Portfolio]) -> Iterator[PortfolioResult]:
    """Evaluate a portfolio given as chunks of whole goods, one chunk at a time.

    Each chunk is a :class:`Portfolio` of complete BOMs (every node and line of a good in the same
    chunk); the goods of different chunks are independent (Art. 4.2 applies good by good), so the
    results are those of :func:`evaluate_portfolio` on the whole portfolio, bit for bit (every sum
    adds the same numbers in the same order). Only the goods' rows are kept
    (:func:`goods_only`): with a lazy iterable the memory is one chunk's working set plus the goods'
    rows, flat in the number of BOMs.

    Yields
    ------
    PortfolioResult
        The goods' rows of each chunk, in order.
    """
    for p in chunks:
        yield goods_only(evaluate_portfolio(p), p.n_goods)


def concat_goods(parts: Iterable[PortfolioResult], n_countries: int) -> PortfolioResult:
    """Concatenate goods' rows of successive chunks; ``content`` is padded to ``n_countries`` columns
    (chunks compiled with a shared country list see a prefix of it)."""
    parts = list(parts)
    if not parts:
        return PortfolioResult(np.zeros(0, np.int8), np.zeros(0, "<U1"), np.zeros(0), np.zeros(0), np.zeros(0),
                               np.zeros((0, n_countries)))
    content = np.zeros((sum(len(r.status) for r in parts), n_countries))
    row = 0
    for r in parts:
        content[row:row + len(r.status), : r.content.shape[1]] = r.content
        row += len(r.status)
    return PortfolioResult(np.concatenate([r.status for r in parts]), np.concatenate([r.criterion for r in parts]),
                           np.concatenate([r.vnm_tv for r in parts]), np.concatenate([r.vnm_nc for r in parts]),
                           np.concatenate([r.rvc for r in parts]), content)


def _content(p: Portfolio) -> np.ndarray:
    """Value by country per good, traced through sub-assemblies (residual value added included)."""
    n_nodes = len(p.node_rule)
    keep = p.line_role != 3  # packing for shipment is disregarded (Art. 4.16)
    child_sum = np.bincount(p.line_parent, weights=np.where(keep, p.line_value, 0.0), minlength=n_nodes)
    own = np.where(p.line_node >= 0, p.line_value - child_sum[np.maximum(p.line_node, 0)], p.line_value)
    own = np.where(keep, own, 0.0)
    root = rollup_roots(p)
    nc = max(len(p.countries), 1)
    idx = root[p.line_parent] * nc + p.line_country
    return np.bincount(idx, weights=own, minlength=p.n_goods * nc).reshape(p.n_goods, nc)


def rollup_roots(p: Portfolio) -> np.ndarray:
    """The good (root node) of every node, by pointer jumping (log depth numpy passes)."""
    parent = np.where(p.node_line >= 0, p.line_parent[np.maximum(p.node_line, 0)], np.arange(len(p.node_line)))
    while True:
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            return parent
        parent = nxt


def rollup_vnm(parent: np.ndarray, depth: np.ndarray, value: np.ndarray, originating: np.ndarray,
               intermediate: np.ndarray, has_children: np.ndarray) -> np.ndarray:
    """VNM roll-up of a supply tree given as a parent array (Art. 4.5-4.8; UR s. 7(4)-(5)).

    Parameters
    ----------
    parent
        Parent index of each material (-1 for roots, the goods).
    depth
        Depth of each material (0 for roots).
    value, originating, intermediate, has_children
        Per material: value, originating status, intermediate designation, self-produced flag.

    Returns
    -------
    numpy.ndarray
        VNM of each node's production: ``sum over children of c_i`` with
        ``c_i = 0`` if originating and (leaf or intermediate), ``VNM_i`` if self-produced and not
        intermediate, ``value_i`` otherwise; one ``bincount`` per depth level.
    """
    n = len(parent)
    vnm = np.zeros(n)
    for d in range(int(depth.max()), 0, -1):
        m = depth == d
        zero = originating & (~has_children | intermediate)
        contrib = np.where(zero, 0.0, np.where(has_children & ~intermediate, vnm, value))
        vnm += np.bincount(parent[m], weights=contrib[m], minlength=n)
    return vnm

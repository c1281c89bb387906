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

from dataclasses import dataclass, field

import numpy as np

from .rules import Alternative, shift_test_array

__all__ = ["Portfolio", "PortfolioResult", "evaluate_portfolio", "rollup_vnm"]


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


def _ancestors(p: Portfolio, kmax: int) -> list[np.ndarray]:
    """anc[k][l]: the k-th evaluating ancestor node of line l (k = 1 is its parent), -1 if none."""
    anc = [np.full(p.line_parent.shape, -1, dtype=np.int64), p.line_parent.astype(np.int64)]
    for _ in range(2, kmax + 1):
        prev = anc[-1]
        up_line = np.where(prev >= 0, p.node_line[np.maximum(prev, 0)], -1)
        anc.append(np.where(up_line >= 0, p.line_parent[np.maximum(up_line, 0)], -1))
    return anc


def _own_fail(p: Portfolio, anc: np.ndarray, a: int, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lines in ``sel`` whose own code fails alternative ``a`` of the rule of node ``anc``: (failing,
    surely failing); a line failing but not surely failing has a code too short to tell."""
    fail = np.zeros(sel.shape, dtype=bool)
    sure = np.zeros(sel.shape, dtype=bool)
    valid = sel & (anc >= 0)
    rule_of = np.where(valid, p.node_rule[np.maximum(anc, 0)], -1)
    for r in np.unique(rule_of[valid]):
        if r < 0 or a >= len(p.rules[r]):
            continue
        m = valid & (rule_of == r)
        nodes = anc[m]
        args = (p.rules[r][a], p.node_good_int[nodes], p.node_good_len[nodes], p.line_int[m], p.line_len[m])
        fail[m] = ~shift_test_array(*args)
        sure[m] = ~shift_test_array(*args, undetermined=True)
    return fail, sure


def evaluate_portfolio(p: Portfolio) -> PortfolioResult:
    """Evaluate every good of the portfolio (see the module docstring for the law applied)."""
    p.fill_defaults()
    assert (p.line_fail_value is not None and p.line_vnm_tv is not None and p.line_vnm_nc is not None
            and p.line_nc_adjust is not None)  # set by fill_defaults
    n_nodes, n_lines = len(p.node_rule), len(p.line_parent)
    role = p.line_role
    counted = (role == 0) | (role == 1)
    nc_eff = p.node_nc + np.bincount(p.line_parent, weights=np.where(counted, p.line_nc_adjust, 0.0),
                                     minlength=n_nodes)
    tier = _tier(p)
    tmax = int(tier.max()) if n_lines else 0
    amax = max((len(r) for r in p.rules), default=0)
    anc = _ancestors(p, max(tmax, 1))
    status = np.full(n_nodes, -1, dtype=np.int8)
    crit = np.full(n_nodes, "", dtype="<U1")
    vnm_tv = np.zeros(n_nodes)
    vnm_nc = np.zeros(n_nodes)
    best_rvc = np.full(n_nodes, np.nan)
    line_orig = p.line_declared == 1
    # fv[k][a]: failing value of a line against alternative a of its k-th ancestor's rule
    fv = [[np.zeros(n_lines) for _ in range(amax)] for _ in range(tmax + 2)]
    fv_sure = [[np.zeros(n_lines) for _ in range(amax)] for _ in range(tmax + 2)]  # surely failing value
    is_node_line = p.line_node >= 0
    for t in range(tmax, 0, -1):
        sel = tier == t
        # statuses of self-produced lines of this tier (their nodes were evaluated one tier deeper)
        nl = sel & is_node_line & (p.line_declared < 0)
        line_orig[nl] = status[p.line_node[nl]] == 1
        non = sel & ~line_orig & (role == 0)  # tested for the shift: non-originating ordinary materials
        for k in range(1, t + 1):
            for a in range(amax):
                failing, sure = _own_fail(p, anc[k], a, non)
                own = np.where(failing, p.line_fail_value, 0.0)
                own_sure = np.where(sure, p.line_fail_value, 0.0)
                val, val_sure = own.copy(), own_sure.copy()
                if t < tmax:  # look-through option for non-originating self-produced lines (UR s. 3(8))
                    child = tier == t + 1
                    sums = np.bincount(p.line_parent[child], weights=fv[k + 1][a][child], minlength=n_nodes)
                    sums_sure = np.bincount(p.line_parent[child], weights=fv_sure[k + 1][a][child],
                                            minlength=n_nodes)
                    sp = non & is_node_line
                    inner = sums[p.line_node[sp]] < own[sp]  # the option of least failing value is kept
                    val[sp] = np.where(inner, sums[p.line_node[sp]], own[sp])
                    val_sure[sp] = np.where(inner, sums_sure[p.line_node[sp]], own_sure[sp])
                fv[k][a] = np.where(sel, np.where(non, val, 0.0), fv[k][a])
                fv_sure[k][a] = np.where(sel, np.where(non, val_sure, 0.0), fv_sure[k][a])
        # contributions to the parent's VNM
        sub_tv = np.where(is_node_line, vnm_tv[np.maximum(p.line_node, 0)], 0.0)
        sub_nc = np.where(is_node_line, vnm_nc[np.maximum(p.line_node, 0)], 0.0)
        zero = line_orig & (~is_node_line | p.line_intermediate)
        trace_through = is_node_line & ~p.line_intermediate
        c_tv = np.where(zero, 0.0, np.where(trace_through, sub_tv, p.line_vnm_tv))
        c_nc = np.where(zero, 0.0, np.where(trace_through, sub_nc, p.line_vnm_nc))
        c_tv, c_nc = np.where(sel & counted, c_tv, 0.0), np.where(sel & counted, c_nc, 0.0)
        vnm_tv += np.bincount(p.line_parent, weights=c_tv, minlength=n_nodes)
        vnm_nc += np.bincount(p.line_parent, weights=c_nc, minlength=n_nodes)
        _decide(p, t - 1, sel & counted, line_orig, fv[1], fv_sure[1], vnm_tv, vnm_nc, nc_eff, status, crit,
                best_rvc)
    content = _content(p)
    status[~p.node_supported] = -2
    return PortfolioResult(status, crit, vnm_tv, vnm_nc, best_rvc, content)


def _decide(p: Portfolio, depth: int, sel: np.ndarray, line_orig: np.ndarray, fv1: list[np.ndarray],
            fv1_sure: list[np.ndarray], vnm_tv: np.ndarray, vnm_nc: np.ndarray, nc_eff: np.ndarray,
            status: np.ndarray, crit: np.ndarray, best_rvc: np.ndarray) -> None:
    n_nodes = len(p.node_rule)
    nodes = p.node_depth == depth
    n_lines = np.bincount(p.line_parent[sel], minlength=n_nodes)
    n_orig = np.bincount(p.line_parent[sel & line_orig], minlength=n_nodes)
    all_orig = nodes & (n_lines > 0) & (n_orig == n_lines)
    tv, nc, tc = p.node_tv, nc_eff, p.node_tc
    with np.errstate(divide="ignore", invalid="ignore"):
        rvc_tv = (tv - vnm_tv) / tv * 100.0
        rvc_nc = (nc - vnm_nc) / nc * 100.0
        waived = (vnm_tv <= p.rvc_waiver / 100.0 * tv) | (vnm_nc <= p.rvc_waiver / 100.0 * tc)
    passed = np.zeros(n_nodes, dtype=bool)
    undetermined = np.zeros(n_nodes, dtype=bool)  # an alternative's RVC lacks its base (no TV / no costs)
    decisive = np.full(n_nodes, np.nan)
    for r, alts in enumerate(p.rules):
        m = nodes & (p.node_rule == r)
        if not m.any():
            continue
        for a, alt in enumerate(alts):
            if alt.unsupported:
                continue
            fail = np.bincount(p.line_parent[sel], weights=fv1[a][sel], minlength=n_nodes)
            fail_sure = np.bincount(p.line_parent[sel], weights=fv1_sure[a][sel], minlength=n_nodes)
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
                use_tv = np.isfinite(t_tv) & ((p.node_method != 2) | ~np.isfinite(t_nc))
                use_nc = np.isfinite(t_nc) & ((p.node_method != 1) | ~np.isfinite(t_tv))
                ok_tv = use_tv & (rvc_tv >= t_tv)
                ok_nc = use_nc & (rvc_nc >= t_nc)
                rvc_ok = ok_tv | ok_nc | waived
                with np.errstate(invalid="ignore"):
                    lack = (use_tv & ~(tv > 0)) | (use_nc & ~(nc > 0))
                rvc_unsure = ~rvc_ok & lack
                undetermined |= m & (
                    (shift_ok & rvc_unsure) | (shift_unsure & (rvc_ok | rvc_unsure)))
                # the decisive test: the first passing method (TV before NC), none when waived
                cand = np.where(waived, np.nan, np.where(ok_tv, rvc_tv, np.where(ok_nc, rvc_nc, np.nan)))
            else:
                rvc_ok = np.ones(n_nodes, dtype=bool)
                cand = np.full(n_nodes, np.nan)
                undetermined |= m & shift_unsure
            ok = m & shift_ok & rvc_ok
            newly = ok & ~passed
            decisive = np.where(newly, cand, decisive)
            passed |= ok
    encoded = nodes & (p.node_rule >= 0)
    status[nodes] = np.where(passed[nodes] | all_orig[nodes], 1,
                             np.where(encoded[nodes] & ~undetermined[nodes], 0, -1))
    crit[nodes] = np.where(all_orig[nodes], "C", np.where(passed[nodes], "B", ""))
    best_rvc[nodes] = decisive[nodes]


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

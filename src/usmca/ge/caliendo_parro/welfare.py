"""Welfare and trade measures of a Caliendo-Parro counterfactual (pure kernels).

Caliendo and Parro (2015), *Review of Economic Studies* 82(1): 1-44,
https://doi.org/10.1093/restud/rdu035, the welfare decomposition behind Table 2. The welfare effect of
a tariff change is decomposed, to first order, into terms of trade and volume of trade, both
divided by baseline income :math:`I_n`:

.. math::

    \\mathrm{ToT}_n = \\frac{1}{I_n}\\sum_{j}\\sum_{i}\\left[E_{nij}(\\hat c_{nj}-1) - M_{nij}(\\hat c_{ij}-1)\\right],
    \\qquad
    \\mathrm{VoT}_n = \\frac{1}{I_n}\\sum_{j}\\sum_{i}\\tau_{nij} M_{nij}\\left(\\frac{M'_{nij}}{M_{nij}} - \\hat c_{ij}\\right),

where :math:`M_{nij}` are imports of ``n`` from ``i`` net of tariffs and :math:`E_{nij}=M_{inj}`
exports, both at the baseline equilibrium; :math:`\\hat c` is the input-cost change from
baseline to counterfactual. Table 2's "welfare" is :math:`\\mathrm{ToT}+\\mathrm{VoT}` (in %).
When iceberg trade costs change too, a third, technical-efficiency term enters (as in the
``paulofelipe/cp2015`` R package's extension): :math:`\\mathrm{TE}_n = -\\frac{1}{I_n}\\sum_{j,i}
M_{nij}(1+\\tau_{nij})(\\hat d_{nij}-1)`, and welfare is ToT + VoT + TE (TE = 0 for tariff-only
scenarios).
The real wage is :math:`\\hat w_n / \\prod_j \\hat P_{nj}^{\\alpha_{nj}}`; the exact (not first-order)
real-income change is :math:`\\hat I_n / \\prod_j \\hat P_{nj}^{\\alpha_{nj}}`, useful for large shocks.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .kernels import Equilibrium

__all__ = ["Decomposition", "decompose", "flows"]


class Decomposition(NamedTuple):
    """Per-country and per-country x sector measures, in percent (formulas: :func:`decompose`)."""

    tot: np.ndarray          #: (N,)
    vot: np.ndarray          #: (N,)
    te: np.ndarray           #: (N,) technical efficiency (iceberg cost changes)
    tot_sector: np.ndarray   #: (N, J) contribution of sector j to ToT_n
    vot_sector: np.ndarray   #: (N, J)
    tot_partner: np.ndarray  #: (N, N) contribution of trade with partner i to ToT_n
    vot_partner: np.ndarray  #: (N, N) contribution of imports from partner i to VoT_n
    real_wage: np.ndarray    #: (N,)
    w_hat: np.ndarray        #: (N,) wage change cfl / bln
    c_hat: np.ndarray        #: (N, J)
    p_hat: np.ndarray        #: (N, J)
    cpi_hat: np.ndarray      #: (N,)
    income: np.ndarray       #: (N,) baseline income I_n
    real_income: np.ndarray  #: (N,) exact real-income change (I'/I)/P-hat - 1, in %


def flows(eq: Equilibrium) -> np.ndarray:
    """Bilateral flows net of tariffs :math:`\\pi'_{nij}X'_{nj}/(1+\\tau'_{nij})`, shape (N, N, J)."""
    return eq.pi * eq.expenditure[:, None, :] / (1.0 + eq.tariffs)


def decompose(bln: Equilibrium, cfl: Equilibrium, final_share: np.ndarray,
              d_hat: np.ndarray | None = None) -> Decomposition:
    r"""Terms-of-trade / volume-of-trade (/ technical-efficiency) decomposition of ``cfl`` vs ``bln``.

    Caliendo and Parro (2015), the welfare decomposition behind Table 2 (see the module
    docstring), with every change taken between the two solved equilibria:
    :math:`\hat c = \hat c^{cfl} / \hat c^{bln}`, and in percent of baseline income :math:`I_n`,

    .. math::

        \mathrm{ToT}_n = \frac{100}{I_n}\sum_{j,i}\left[M_{inj}(\hat c_{nj}-1) - M_{nij}(\hat c_{ij}-1)\right],\quad
        \mathrm{VoT}_n = \frac{100}{I_n}\sum_{j,i}\tau_{nij}\left(M'_{nij} - M_{nij}\hat c_{ij}\right),

    :math:`\mathrm{TE}_n = -\frac{100}{I_n}\sum_{j,i} M_{nij}(1+\tau_{nij})(\hat d_{nij}-1)`
    (zero without ``d_hat``); real wage :math:`100(\hat w_n / \prod_j \hat P_{nj}^{\alpha_{nj}} - 1)`.
    The per-sector and per-partner arrays are the terms of these sums before summing over ``j``
    or ``i``.
    """
    m0 = flows(bln)
    m1 = flows(cfl)
    c = cfl.c_hat / bln.c_hat
    dc = c - 1.0
    e0 = np.swapaxes(m0, 0, 1)                      # e0[n, i, j] = M[i, n, j]
    tot_s = (e0.sum(axis=1) * dc) - np.einsum("nij,ij->nj", m0, dc)
    vot_s = np.einsum("nij,nij->nj", bln.tariffs, m1 - m0 * c[None, :, :])
    income = bln.income
    p = cfl.p_hat / bln.p_hat
    cpi = np.exp(np.einsum("nj,nj->n", final_share, np.log(p)))
    w = cfl.w_hat / bln.w_hat
    scale = 100.0 / income[:, None]
    tot_p = np.einsum("nij,nj->ni", e0, dc) - np.einsum("nij,ij->ni", m0, dc)
    vot_p = np.einsum("nij,nij->ni", bln.tariffs, m1 - m0 * c[None, :, :])
    if d_hat is None:
        te = np.zeros(income.shape)
    else:
        te = -np.einsum("nij,nij->n", m0 * (1.0 + bln.tariffs), d_hat - 1.0) * 100.0 / income
    return Decomposition(tot=(tot_s * scale).sum(axis=1), vot=(vot_s * scale).sum(axis=1), te=te,
                         tot_sector=tot_s * scale, vot_sector=vot_s * scale,
                         tot_partner=tot_p * scale, vot_partner=vot_p * scale,
                         real_wage=100.0 * (w / cpi - 1.0), w_hat=w, c_hat=c, p_hat=p,
                         cpi_hat=cpi, income=income,
                         real_income=100.0 * (cfl.income / bln.income / cpi - 1.0))

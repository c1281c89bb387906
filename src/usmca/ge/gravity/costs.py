"""Bilateral trade costs ``phi_ij = t_ij^(1-sigma)`` from estimated gravity coefficients.

Structural gravity identifies ``phi`` from a PPML with exporter and importer effects (Yotov et
al. 2016, ch. 1, eq. 1-4, https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf)::

    ln phi_ij = ln_base_ij + sum_k b_k x_ijk

where ``ln_base`` holds terms kept fixed (pair effects of a three-way-FE estimation, or 0) and
``x_k`` are the cost variables whose coefficients ``b_k`` were estimated (distance, contiguity,
RTA, ...). A constant or exporter/importer terms cancel in the model and may be left out.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

__all__ = ["phi_from_coefficients"]


def phi_from_coefficients(variables: Mapping[str, np.ndarray], coefficients: Mapping[str, float] | pd.Series,
                          ln_base: np.ndarray | None = None) -> np.ndarray:
    """``exp(ln_base + sum_k b_k x_k)`` over the coefficients named in ``coefficients``.

    Parameters
    ----------
    variables : mapping of str to ndarray (N, N)
        Cost variables, exporter by importer.
    coefficients : mapping or Series
        Estimates by variable name (e.g. :attr:`usmca.ge.ppml.PpmlEstimate.coef`).
    ln_base : ndarray (N, N), optional
        Fixed part of ``ln phi``.

    Raises
    ------
    UserInputError
        A coefficient without its variable, shapes that differ, or a non-finite result.
    """
    coefs = dict(coefficients.items())
    if not coefs and ln_base is None:
        raise UserInputError("costs", "coefficients", coefs, "need at least one coefficient or a base")
    missing = [k for k in coefs if k not in variables]
    if missing:
        raise UserInputError("costs", "variables", missing, "no data for these coefficients")
    shapes = {np.shape(variables[k]) for k in coefs} | ({np.shape(ln_base)} if ln_base is not None else set())
    if len(shapes) != 1 or len(next(iter(shapes))) != 2:
        raise UserInputError("costs", "shape", sorted(shapes), "every cost variable must be the same (N, N) matrix")
    ln = np.zeros(next(iter(shapes))) if ln_base is None else np.array(ln_base, dtype=float)
    for name, b in coefs.items():
        ln = ln + float(b) * np.asarray(variables[name], dtype=float)
    phi = np.exp(ln)
    if not np.all(np.isfinite(phi)):
        raise UserInputError("costs", "phi", "non-finite", "coefficients times variables overflow")
    return phi

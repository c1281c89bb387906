"""The supplier-certification register (USMCA Art. 5.2 certifications; UR s. 9 producer statements).

>>> from usmca.origin import certifications as certs                        # doctest: +SKIP
>>> reg = certs.read_register("examples/certifications/register.csv", 12)
>>> certs.expiring(boms, reg, as_of, 90)["stop_qualifying"]

:func:`read_register` reads a CSV/XLSX/YAML register; :func:`save_register` /
:func:`load_register` keep it in the DuckDB store; :func:`apply_register`, :func:`dependencies`
and :func:`expiring` qualify BOMs with it.
"""

from __future__ import annotations

from .apply import apply_register, dependencies, expiring
from .register import TYPES, Certification, read_register
from .store import load_register, save_register

__all__ = ["Certification", "TYPES", "read_register", "save_register", "load_register", "apply_register",
           "dependencies", "expiring"]

"""usmca: the US-Mexico-Canada Agreement as code.

Rules of origin (``usmca.origin``), duties and effective tariff rates (``usmca.tariffs``),
general-equilibrium trade models (``usmca.ge``), all reading one tree of dated, cited legal
parameters (``usmca.law``).
"""

__version__ = "0.1.0"

"""Every importer tariff of the shipped baseline names its source or says it is imputed."""

from __future__ import annotations

import json

import numpy as np

from usmca.data.baseline import BASELINE_PATH, FACTS_PATH, load_baseline, read_facts
from usmca.data.baseline.build import IMPUTED_TARIFF


def test_tariff_sources_cover_every_importer_and_match_the_facts() -> None:
    b = load_baseline()
    src = b.meta["tariff_sources"]
    assert set(src) == set(b.countries) | {"USMCA"}
    facts = read_facts(FACTS_PATH)
    published = facts[facts.quantity == "tariff"]
    for c in b.countries:
        row = published[published.country == c]
        if len(row):
            assert src[c] == row.source_url.iloc[0] and src[c].startswith("http")
        else:
            assert src[c] == IMPUTED_TARIFF


def test_imputed_tariffs_are_the_median_of_the_published_ones() -> None:
    b = load_baseline()
    rates = np.asarray(json.loads(BASELINE_PATH.read_text(encoding="utf-8"))["tariff_by_importer"])
    pub = [rates[b.countries.index(c)] for c, s in b.meta["tariff_sources"].items()
           if c in b.countries and s != IMPUTED_TARIFF]
    imputed = [rates[b.countries.index(c)] for c, s in b.meta["tariff_sources"].items() if s == IMPUTED_TARIFF]
    assert imputed, "the 2024 facts leave some importer averages unpublished"
    assert np.allclose(imputed, np.median(pub))


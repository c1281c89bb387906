"""General-equilibrium trade models of usmca.

- :mod:`usmca.ge.caliendo_parro`: the multi-sector, multi-country model with input-output
  linkages of Caliendo and Parro (2015), "Estimates of the Trade and Welfare Effects of NAFTA",
  *Review of Economic Studies* 82(1): 1-44, https://doi.org/10.1093/restud/rdu035, solved in
  changes ("exact hat algebra").
- :mod:`usmca.ge.gravity`: one-sector structural gravity (Anderson and van Wincoop 2003,
  https://doi.org/10.1257/000282803321455214) with conditional and full-endowment
  counterfactuals as in Yotov, Piermartini, Monteiro and Larch (2016), ch. 2,
  https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf.

Both return results with the same surface (``.countries``, ``.bilateral``, ``.country_names``,
``.diagnostics``, ``.to_dict()``), are listed in :data:`usmca.ge.registry.MODELS` (``usmca ge
solve --model caliendo-parro|gravity``) and raise :class:`usmca.errors.ConvergenceError` with the
solve's diagnostics. Shared pieces: :mod:`.changes` (percent changes), :mod:`.montecarlo`
(percentile bands), :mod:`.ppml` (PPML estimation), :mod:`.loaders` (published data sets).
"""

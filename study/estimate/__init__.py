"""Estimation: staggered difference-in-differences (``did``), Bayesian hierarchical event studies
(``bayes``), the causal graph with DoWhy (``dag``) and simulated power (``power``)."""

"""Bayesian hierarchical event studies (PyMC, sampled with nutpie) with enforced convergence gates.

``design`` builds the event-time design from the panel, ``model`` the PyMC model and its variants,
``priors`` reads the prior sets, ``sample`` compiles and samples, ``gates`` enforces convergence,
``summaries`` and ``checks`` produce the reported quantities and model checks, ``figures`` the
plots, ``simulate`` SYNTHETIC panels for tests, and ``step`` the ``python -m study bayes`` step.
Heavy libraries (pymc, nutpie, arviz, matplotlib) are imported inside functions.
"""

"""Frequentist staggered difference-in-differences: TWFE, Goodman-Bacon, Callaway & Sant'Anna,
Sun & Abraham, Borusyak-Jaravel-Spiess imputation and Rambachan & Roth (HonestDiD) sensitivity.

``api.estimate`` is the general entry point for any long panel; ``study_step`` runs the
preregistered analyses. Heavy libraries are imported inside functions.
"""

"""R's random-number stream reproduced in NumPy, against values R prints (R >= 3.6 default kinds:
Mersenne-Twister, Inversion, Rejection)."""

from __future__ import annotations

import numpy as np

from study.estimate.did.r_rng import r_rmvnorm, r_rnorm, r_runif


def test_runif_matches_r():
    # set.seed(0); runif(3)  and  set.seed(42); runif(3)
    np.testing.assert_allclose(r_runif(0, 3), [0.8966972, 0.2655087, 0.3721239], atol=5e-8)
    np.testing.assert_allclose(r_runif(42, 3), [0.9148060, 0.9370754, 0.2861395], atol=5e-8)


def test_rnorm_matches_r():
    # set.seed(0); rnorm(5)  /  set.seed(42); rnorm(1)  /  set.seed(123); rnorm(3)
    np.testing.assert_allclose(r_rnorm(0, 5), [1.26295428, -0.32623336, 1.32979926, 1.27242932, 0.41464143],
                               atol=5e-9)
    np.testing.assert_allclose(r_rnorm(42, 1), [1.37095845], atol=5e-9)
    np.testing.assert_allclose(r_rnorm(123, 3), [-0.56047565, -0.23017749, 1.55870831], atol=5e-9)


def test_rmvnorm_fills_rows_and_uses_the_symmetric_root():
    """mvtnorm::rmvnorm(method = "eigen"): rnorm(n * d) filled by row, times sigma^(1/2) (symmetric)."""
    sigma = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]])
    draws = r_rmvnorm(0, 4, sigma)
    z = r_rnorm(0, 12).reshape(4, 3)
    values, vectors = np.linalg.eigh(sigma)
    root = vectors @ np.diag(np.sqrt(values)) @ vectors.T
    np.testing.assert_allclose(root @ root, sigma, atol=1e-12)
    np.testing.assert_allclose(draws, z @ root, atol=1e-12)
    np.testing.assert_allclose(r_rmvnorm(0, 3, np.eye(2)), r_rnorm(0, 6).reshape(3, 2), atol=1e-15)

"""AR(1) residuals: lag structure, pointwise log-density and intercept conditional against SciPy / dense
linear algebra, and the moments of simulated draws (SYNTHETIC values throughout)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from study.estimate.bayes import ar1

# Three countries: 6 consecutive years, 4 years with a two-year gap (years 0, 1, 3, 4), one year only.
UNIT = np.array([0] * 6 + [1] * 4 + [2])
YEAR = np.array([0, 1, 2, 3, 4, 5, 0, 1, 3, 4, 2])


def _ar1_cov(years: np.ndarray, sigma: float, rho: float) -> np.ndarray:
    """Stationary AR(1) covariance sigma^2 rho^|t-s| / (1 - rho^2) at the given years."""
    return sigma ** 2 * rho ** np.abs(years[:, None] - years[None, :]) / (1 - rho ** 2)


def _logp_fn():
    import pytensor
    import pytensor.tensor as pt

    v, eta, prev, lag, first = pt.dvector(), pt.dvector(), pt.lvector(), pt.dvector(), pt.dvector()
    sigma, rho = pt.dscalar(), pt.dscalar()
    return pytensor.function([v, eta, sigma, rho, prev, lag, first], ar1.logp(v, eta, sigma, rho, prev, lag, first))


def test_lag_structure():
    lags = ar1.lag_structure(UNIT, YEAR)
    np.testing.assert_array_equal(lags["ar_first"], [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1])
    np.testing.assert_array_equal(lags["ar_prev"], [0, 0, 1, 2, 3, 4, 6, 6, 7, 8, 10])
    np.testing.assert_array_equal(lags["ar_lag"], [1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1])
    with pytest.raises(ValueError, match="sorted"):
        ar1.lag_structure(UNIT[::-1], YEAR[::-1])
    with pytest.raises(ValueError, match="sorted"):
        ar1.lag_structure(np.array([0, 0]), np.array([3, 3]))


@pytest.mark.parametrize("rho", [0.9, 0.3, -0.5])
def test_pointwise_logp_matches_scipy(rho):
    """Each term is the SciPy normal density of the one-step (or k-step) conditional; per country they
    sum to the SciPy multivariate normal density with the stationary AR(1) covariance."""
    rng = np.random.default_rng(1)
    sigma = 0.3
    y, eta = rng.normal(size=UNIT.size), rng.normal(size=UNIT.size)
    lags = ar1.lag_structure(UNIT, YEAR)
    got = _logp_fn()(y, eta, sigma, rho, lags["ar_prev"], lags["ar_lag"], lags["ar_first"])
    r = y - eta
    expected = np.empty_like(r)
    for i in range(r.size):
        if i == 0 or UNIT[i] != UNIT[i - 1]:
            expected[i] = stats.norm.logpdf(r[i], 0.0, sigma / np.sqrt(1 - rho ** 2))
        else:
            k = YEAR[i] - YEAR[i - 1]
            sd = sigma * np.sqrt((1 - rho ** (2 * k)) / (1 - rho ** 2))
            expected[i] = stats.norm.logpdf(r[i], rho ** k * r[i - 1], sd)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    for u in np.unique(UNIT):
        rows = UNIT == u
        joint = stats.multivariate_normal(np.zeros(rows.sum()), _ar1_cov(YEAR[rows], sigma, rho)).logpdf(r[rows])
        assert got[rows].sum() == pytest.approx(joint, rel=1e-10, abs=1e-10)


def test_conditional_intercepts_match_dense_gls():
    """Mean and SD of alpha_i | rest: the dense Gaussian posterior with covariance Sigma_i (AR(1)) and
    prior Normal(0, sigma_country): precision 1' Sigma^-1 1 + 1/sigma_c^2, mean 1' Sigma^-1 d / precision."""
    import pytensor
    import pytensor.tensor as pt

    rng = np.random.default_rng(2)
    sigma, rho, sigma_c = 0.2, 0.85, 0.7
    d = rng.normal(size=UNIT.size)
    lags = ar1.lag_structure(UNIT, YEAR)
    dv, prev, lag, first, unit = pt.dvector(), pt.lvector(), pt.dvector(), pt.dvector(), pt.lvector()
    fn = pytensor.function([dv, unit, prev, lag, first],
                           ar1.conditional_intercepts(dv, sigma, rho, sigma_c, unit, prev, lag, first, n_units=4))
    mean, sd = fn(d, UNIT, lags["ar_prev"], lags["ar_lag"], lags["ar_first"])
    for u in range(3):
        rows = UNIT == u
        q = np.linalg.inv(_ar1_cov(YEAR[rows], sigma, rho))
        precision = q.sum() + 1 / sigma_c ** 2
        assert mean[u] == pytest.approx(q.sum(axis=0) @ d[rows] / precision, rel=1e-10)
        assert sd[u] == pytest.approx(precision ** -0.5, rel=1e-10)
    assert mean[3] == 0.0 and sd[3] == pytest.approx(sigma_c)      # a unit without rows: its prior


def test_random_draws_have_ar1_moments():
    rng = np.random.default_rng(3)
    units, years, sigma, rho = 4000, 5, 0.5, 0.8
    unit = np.repeat(np.arange(units), years)
    year = np.tile([0, 1, 2, 4, 5], units)                    # a two-year gap between positions 2 and 3
    lags = ar1.lag_structure(unit, year)
    eta = np.full(unit.size, 1.0)
    y = ar1.random(eta, sigma, rho, lags["ar_prev"], lags["ar_lag"], lags["ar_first"], rng=rng, size=unit.size)
    r = (y - 1.0).reshape(units, years)
    cov = np.cov(r, rowvar=False)
    np.testing.assert_allclose(cov, _ar1_cov(np.array([0, 1, 2, 4, 5]), sigma, rho), atol=0.06)
    with pytest.raises(ValueError, match="size"):
        ar1.random(eta, sigma, rho, lags["ar_prev"], lags["ar_lag"], lags["ar_first"], rng=rng, size=(2, unit.size))

"""Delta^RM machinery (study/estimate/did/honest_rm.py) against independent computations.

The end-to-end check against R (the HonestDiD README's C-LF intervals) is in test_honest.py; these
tests check the pieces: the dual-vertex LP against scipy's HiGHS, R's two conditioning routes
(primal basis and dual vertex) against each other, and the one-post-period test (R's no-nuisance
functions) against the nuisance-parameter code with an empty nuisance vector. SYNTHETIC inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

from study.estimate.did import honest_rm
from study.estimate.did.honest_rm import (dual_vertices, least_favorable_cv, rm_confidence_set,
                                          rm_constraints)


def _synthetic_event_study(num_pre: int, num_post: int, seed: int = 939377876):
    """SYNTHETIC coefficients and a positive definite covariance."""
    rng = np.random.default_rng(seed)
    n = num_pre + num_post
    L = rng.normal(size=(n, n)) * 0.01
    sigma = L @ L.T + np.eye(n) * 1e-4
    beta = np.r_[rng.normal(0, 0.01, num_pre), 0.05 + rng.normal(0, 0.01, num_post)]
    return beta, sigma


def test_rm_constraints_small_case_by_hand():
    """One pre, one post (columns delta_-1, delta_1; delta_0 = 0 dropped), s = 0, positive sign:
    the largest pre difference is delta_0 - delta_-1 = -delta_-1, so -delta_-1 >= |-delta_-1| (the
    row delta_-1 <= 0; its copy is all zero and dropped) and |delta_1 - 0| <= Mbar (-delta_-1)."""
    A = rm_constraints(1, 1, 2.0, 0, True) + 0.0
    assert {tuple(r) for r in A.round(12)} == {(2.0, 1.0), (2.0, 0.0), (2.0, -1.0)}
    A_neg = rm_constraints(1, 1, 2.0, 0, False) + 0.0
    assert {tuple(r) for r in A_neg.round(12)} == {(-2.0, 1.0), (-2.0, 0.0), (-2.0, -1.0)}


@pytest.mark.parametrize("k", [1, 3, 5])
def test_dual_vertices_give_the_lp_optimum(k):
    """eta = min {eta : y - X delta <= eta sd} equals the best dual vertex, for 50 random y."""
    from scipy.optimize import linprog

    rng = np.random.default_rng(k)
    m = 2 * (k + 1)
    X = rng.normal(size=(m, k))
    X = np.vstack([X[: m // 2], -X[: m // 2] + 0.3 * rng.normal(size=(m // 2, k))])
    sd = rng.uniform(0.5, 2.0, m)
    V = dual_vertices(sd, X)
    assert len(V) > 0
    np.testing.assert_allclose(V @ sd, 1.0, atol=1e-10)
    np.testing.assert_allclose(V @ X, 0.0, atol=1e-10)
    assert (V >= 0).all()
    for _ in range(50):
        y = rng.normal(size=m)
        lp = linprog(np.r_[1.0, np.zeros(k)], A_ub=-np.column_stack([sd, X]), b_ub=-y,
                     bounds=(None, None), method="highs")
        assert lp.status == 0
        assert np.max(V @ y) == pytest.approx(lp.fun, abs=1e-9)


def test_primal_and_dual_conditioning_agree(monkeypatch):
    """R uses the primal (optimal basis) truncation when the LP is non-degenerate and the dual
    (optimal vertex) one otherwise; both condition on the same event. Forcing the dual route for
    every grid point must leave every accept/reject decision unchanged."""
    beta, sigma = _synthetic_event_study(3, 3)
    l_vec = np.array([0.5, 0.5, 0.0])
    results = {}
    for route, tol in (("primal", honest_rm.TOL_LAMBDA), ("dual", np.inf)):
        monkeypatch.setattr(honest_rm, "TOL_LAMBDA", tol)
        results[route] = [rm_confidence_set(beta, sigma, 3, 3, mbar=m, l_vec=l_vec).accept for m in (0.5, 1.5)]
    for a, b in zip(results["primal"], results["dual"]):
        assert a.any() and np.array_equal(a, b)


def test_one_post_period_matches_the_nuisance_code_with_no_nuisance():
    """R's no-nuisance conditional test (one post-period) equals the nuisance-parameter test with an
    empty nuisance vector (dual vertices e_j / sd_j); both least-favourable critical values are the
    same quantile of the same draws. R's no-nuisance C-LF test is "reject if the largest moment
    exceeds the LF critical value, else the conditional test at size (alpha - kappa) / (1 - kappa)"
    (its second stage, unlike the nuisance route, does not truncate at the critical value)."""
    beta, sigma = _synthetic_event_study(3, 1)
    thetas = np.linspace(-0.2, 0.2, 401)
    e_post = np.r_[0.0, 0.0, 0.0, 1.0]
    alpha, kappa = 0.05, 0.005
    for mbar in (0.5, 2.0):
        for _, _, A in honest_rm._polyhedra(3, 1, mbar):
            A = A[A[:, -1] != 0]
            d = np.zeros(len(A))
            sig = A @ sigma @ A.T
            none = np.zeros((len(A), 0))
            V = dual_vertices(np.sqrt(np.diag(sig)), none)
            cv = least_favorable_cv(sig, kappa, vertices=None)
            assert least_favorable_cv(sig, kappa, vertices=V) == pytest.approx(cv, abs=1e-12)
            no_nuis = honest_rm._conditional_test_no_nuisance(beta, e_post, thetas, A, d, sigma, alpha, "ARP",
                                                              kappa, np.inf)
            nuis = honest_rm._conditional_test_nuisance(A @ beta, A @ e_post, thetas, none, sig, V, alpha,
                                                       "ARP", kappa, np.inf)
            assert no_nuis.any() and not no_nuis.all()
            assert np.array_equal(no_nuis, nuis)
            lf = honest_rm._conditional_test_no_nuisance(beta, e_post, thetas, A, d, sigma, alpha, "LF", kappa, cv)
            size = (alpha - kappa) / (1 - kappa)
            second = honest_rm._conditional_test_no_nuisance(beta, e_post, thetas, A, d, sigma, size, "ARP",
                                                             kappa, np.inf)
            largest = np.max((A / np.sqrt(np.diag(sig))[:, None]) @ (beta[:, None] - np.outer(e_post, thetas)),
                             axis=0)
            assert np.array_equal(lf, (largest > cv) | second)


def test_confidence_set_contains_identified_set_and_grows_with_mbar():
    beta, sigma = _synthetic_event_study(4, 6)
    l_vec = np.r_[0.25, 0.25, 0.25, 0.25, 0.0, 0.0]
    previous = None
    for mbar in (0.0, 0.25, 0.5):
        cs = rm_confidence_set(beta, sigma, 4, 6, mbar=mbar, l_vec=l_vec)
        assert cs.ci_low <= cs.id_lb <= cs.id_ub <= cs.ci_high
        if previous is not None:
            assert cs.ci_low <= previous.ci_low and cs.ci_high >= previous.ci_high
        previous = cs
    with pytest.raises(ValueError, match="method"):
        rm_confidence_set(beta, sigma, 4, 6, mbar=1.0, l_vec=l_vec, method="FLCI")

"""Rambachan & Roth relative-magnitudes sensitivity (Delta^RM): identified set and R's C-LF confidence set.

Written by hand because no library in this environment does it correctly: diff-diff 3.13's
``HonestDiD(method="relative_magnitude")`` widens the identified set by z * SE (a "naive FLCI"
that ignores the sampling error of the pre-period maximum, too narrow), and the PyPI ``honestdid``
port needs torch, which cannot be installed beside the project's pins. This module follows R
HonestDiD (``computeConditionalCS_DeltaRM`` and the ARP functions of ``arp-nuisance.R`` /
``arp-nonuisance.R``) step by step:

* Delta^RM(Mbar) is the union over the location ``s`` of the largest pre-period first difference
  and its sign of the polyhedra ``{delta: A_(s,sign) delta <= 0}`` (R ``.create_A_RM``): every
  pre-period first difference is at most the s-th in absolute value, every post-period one at
  most Mbar times it;
* for each polyhedron and each theta on R's grid (``gridPoints`` points on +/- 20 sd of l'beta_post),
  H0: l'tau = theta is tested with Andrews, Roth & Pakes' conditional test with nuisance parameters
  (R ``.lp_conditional_test_fn``) on the moments that involve post-period coefficients
  (``postPeriodMomentsOnly``), in its least-favourable hybrid (C-LF, first-stage size
  ``hybrid_kappa = alpha / 10``) or pure conditional form; one post-period uses the test without
  nuisance parameters (R ``.testInIdentifiedSet_LF_Hybrid``);
* theta is in the confidence set if any polyhedron accepts it; the reported interval is
  [min, max] of the accepted grid points, as R's ``createSensitivityResults_relativeMagnitudes``.

Numerics. The test's linear program ``eta = min_{eta, delta} eta s.t. y - X delta <= eta sd`` is
solved through its dual, ``max {gamma'y : gamma >= 0, sd'gamma = 1, X'gamma = 0}``, a polytope that
does not depend on y: its vertices are enumerated once per polyhedron and eta for every grid point
and every simulation draw is a maximum of inner products (exact, no solver tolerance; checked
against scipy's HiGHS in the tests). The binding set, the primal truncation bounds (R's "primal
approach") and, for degenerate vertices, the exact version of R's bisection for vlo/vup (R's
"dual approach", to which R's iteration converges) follow. The least-favourable critical value
uses R's simulation exactly: ``set.seed(seed)`` (R default 0) and ``mvtnorm::rmvnorm`` with 1,000
draws, reproduced by :mod:`.r_rng`, so the critical values are R's, not a Monte Carlo approximation.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np

from study.estimate.did.r_rng import r_rmvnorm

LF_SIMULATIONS = 1000       # R .compute_least_favorable_cv(sims = 1000)
TOL_LAMBDA = 1e-6           # R .lp_conditional_test_fn: a moment binds if its dual weight exceeds this
MAX_BASES = 2_000_000       # vertex enumeration limit (C(2 * post, post) bases)


# ------------------------------------------------------------------------------------------------
# Delta^RM polyhedra and identified set
# ------------------------------------------------------------------------------------------------

def rm_constraints(num_pre: int, num_post: int, mbar: float, s: int, max_positive: bool) -> np.ndarray:
    """``A`` of ``{delta: A delta <= 0}`` for location ``s`` (-(num_pre-1)..0) of the largest pre-period
    first difference and its sign (R ``.create_A_RM``; columns: pre then post coefficients)."""
    T = num_pre + num_post
    atilde = np.zeros((T, T + 1))
    idx = np.arange(T)
    atilde[idx, idx], atilde[idx, idx + 1] = -1.0, 1.0
    v = np.zeros(T + 1)
    v[num_pre + s - 1], v[num_pre + s] = -1.0, 1.0
    if not max_positive:
        v = -v
    upper = np.vstack([np.tile(v, (num_pre, 1)), np.tile(mbar * v, (num_post, 1))])
    A = np.vstack([atilde - upper, -atilde - upper])
    A = A[np.einsum("ij,ij->i", A, A) > 1e-10]
    return np.delete(A, num_pre, axis=1)


def _polyhedra(num_pre: int, num_post: int, mbar: float):
    for s in range(-(num_pre - 1), 1):
        for positive in (True, False):
            yield s, positive, rm_constraints(num_pre, num_post, mbar, s, positive)


def identified_set(beta: np.ndarray, num_pre: int, num_post: int, mbar: float,
                   l_vec: np.ndarray) -> tuple[float, float]:
    """Identified set of ``l' tau_post`` under Delta^RM(Mbar) with ``beta`` known (R
    ``.compute_IDset_DeltaRM``): union over the polyhedra of [l'beta_post - max, l'beta_post - min]
    of ``l'delta_post`` subject to ``A delta <= 0`` and ``delta_pre = beta_pre``."""
    from scipy.optimize import linprog

    beta = np.asarray(beta, dtype=float)
    l_vec = np.asarray(l_vec, dtype=float)
    point = float(l_vec @ beta[num_pre:])
    c = np.r_[np.zeros(num_pre), l_vec]
    eq = np.hstack([np.eye(num_pre), np.zeros((num_pre, num_post))])
    lows, highs = [], []
    for _, _, A in _polyhedra(num_pre, num_post, mbar):
        kw = dict(A_ub=A, b_ub=np.zeros(len(A)), A_eq=eq, b_eq=beta[:num_pre], bounds=(None, None),
                  method="highs")
        lo, hi = linprog(c, **kw), linprog(-c, **kw)
        if lo.status != 0 and hi.status != 0:  # infeasible for this s/sign: R returns the point
            lows.append(point)
            highs.append(point)
            continue
        highs.append(point - lo.fun)
        lows.append(point + hi.fun)
    return float(min(lows)), float(max(highs))


# ------------------------------------------------------------------------------------------------
# ARP linear program through its dual vertices
# ------------------------------------------------------------------------------------------------

def dual_vertices(sd: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Vertices (rows) of ``{gamma >= 0 : sd'gamma = 1, X'gamma = 0}``, the dual feasible set of
    ``min eta s.t. y - X delta <= eta sd``: basic solutions on every set of ``k + 1`` moments."""
    W = np.column_stack([sd, X])
    m, r = W.shape
    if math.comb(m, r) > MAX_BASES:
        raise ValueError(f"too many post-period moments for vertex enumeration ({m} moments, "
                         f"{r} basis size); use fewer post-periods")
    e1 = np.zeros(r)
    e1[0] = 1.0
    found = []
    combos = np.array(list(itertools.combinations(range(m), r)), dtype=np.intp)
    for start in range(0, len(combos), 100_000):
        block = combos[start:start + 100_000]
        M = W[block].transpose(0, 2, 1)                      # W_B' (r x r) for each basis
        sv = np.linalg.svd(M, compute_uv=False)
        ok = sv[:, -1] > sv[:, 0] * 1e-12
        if not ok.any():
            continue
        gamma_b = np.linalg.solve(M[ok], np.broadcast_to(e1, (int(ok.sum()), r))[..., None])[..., 0]
        scale = np.abs(gamma_b).max(axis=1, keepdims=True)
        feasible = (gamma_b >= -1e-10 * scale).all(axis=1)
        V = np.zeros((int(feasible.sum()), m))
        rows = np.repeat(np.arange(len(V)), r)
        V[rows, block[ok][feasible].ravel()] = np.clip(gamma_b[feasible], 0.0, None).ravel()
        found.append(V)
    if not found:
        return np.zeros((0, m))
    V = np.vstack(found)
    _, first = np.unique(np.round(V / np.abs(V).max(axis=1, keepdims=True), 10), axis=0, return_index=True)
    return V[np.sort(first)]


def least_favorable_cv(sigma: np.ndarray, hybrid_kappa: float, *, vertices: np.ndarray | None,
                       seed: int = 0, sims: int = LF_SIMULATIONS) -> float:
    """R ``.compute_least_favorable_cv``: the ``1 - kappa`` quantile (type 7) of the LP value eta
    under ``y ~ N(0, sigma)`` (with nuisance parameters, ``vertices`` of the dual), or of the
    largest standardised moment (``vertices=None``), over R's draws for ``seed``."""
    xi = r_rmvnorm(seed, sims, sigma)
    if vertices is None:
        eta = np.max(xi / np.sqrt(np.diag(sigma)), axis=1)
    elif len(vertices) == 0:
        return float("nan")
    else:
        eta = np.max(xi @ vertices.T, axis=1)
    return float(np.quantile(eta, 1 - hybrid_kappa))


def _construct_gamma(l_vec: np.ndarray) -> np.ndarray:
    """Invertible matrix with first row ``l'`` (R ``.construct_Gamma``: rref pivots of [l, I])."""
    n = len(l_vec)
    chosen: list[np.ndarray] = []
    for col in np.column_stack([l_vec, np.eye(n)]).T:
        if np.linalg.matrix_rank(np.array(chosen + [col])) > len(chosen):
            chosen.append(col)
        if len(chosen) == n:
            break
    return np.array(chosen)


def _truncnorm_quantile(p: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    from scipy.stats import truncnorm

    return truncnorm.ppf(p, lo, hi)


def _conditional_test_nuisance(y0: np.ndarray, a: np.ndarray, thetas: np.ndarray, X: np.ndarray,
                               sigma: np.ndarray, V: np.ndarray, alpha: float, hybrid: str,
                               kappa: float, lf_cv: float) -> np.ndarray:
    """Reject indicator of R ``.lp_conditional_test_fn`` for ``y_T = y0 - a theta`` at each theta."""
    G = len(thetas)
    reject = np.zeros(G, dtype=bool)
    if len(V) == 0:
        warnings.warn("LP for eta did not converge properly. Not rejecting", RuntimeWarning, stacklevel=3)
        return reject
    Y = y0[:, None] - np.outer(a, thetas)                      # moments x grid
    values = V @ Y
    best = np.argmax(values, axis=0)
    eta = values[best, np.arange(G)]
    k = X.shape[1]
    sd = np.sqrt(np.diag(sigma))
    if hybrid == "LF":
        mod_size = (alpha - kappa) / (1 - kappa)
        first_stage = eta > lf_cv
        reject |= first_stage
    else:
        mod_size = alpha
        first_stage = np.zeros(G, dtype=bool)
    for v in np.unique(best[~first_stage]):
        cols = np.flatnonzero((best == v) & ~first_stage)
        gamma = V[v]
        Yc, eta_c = Y[:, cols], eta[cols]
        B = gamma > TOL_LAMBDA
        XB = X[B]
        xdim = min(XB.shape)
        full_rank = xdim > 0 and np.linalg.matrix_rank(XB) == xdim
        if full_rank and B.sum() == k + 1:
            # primal approach: condition on the optimal basis B
            WB_inv = np.linalg.inv(np.column_stack([sd[B], XB]))
            S_B = np.eye(len(sd))[B]
            gamma_B = np.column_stack([sd[~B], X[~B]]) @ WB_inv @ S_B - np.eye(len(sd))[~B]
            v_B = WB_inv[0] @ S_B
            sigma_b = math.sqrt(float(v_B @ sigma @ v_B))
            rho = gamma_B @ sigma @ v_B / sigma_b ** 2
            bound = -(gamma_B @ Yc) / rho[:, None] + (v_B @ Yc)[None, :]
            vlo = np.max(np.where(rho[:, None] > 0, bound, -np.inf), axis=0, initial=-np.inf)
            vup = np.min(np.where(rho[:, None] < 0, bound, np.inf), axis=0, initial=np.inf)
        else:
            # dual approach: condition on gamma being the optimal dual vertex; R bisects for the
            # range of c with max_u gamma_u'(s + b c) = c, whose ends are computed here exactly.
            s2 = float(gamma @ sigma @ gamma)
            if abs(s2) < np.finfo(float).eps:
                reject[cols] = eta_c > 0
                continue
            sigma_b = math.sqrt(s2)
            b = V @ sigma @ gamma / s2                            # per vertex
            S = Yc - np.outer(sigma @ gamma, gamma @ Yc) / s2
            acoef = V @ S                                         # vertices x grid
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = acoef / (1.0 - b)[:, None]
            up = b > 1 + 1e-12
            lo = b < 1 - 1e-12
            vup = np.min(np.where(up[:, None], ratio, np.inf), axis=0, initial=np.inf)
            vlo = np.max(np.where(lo[:, None], ratio, -np.inf), axis=0, initial=-np.inf)
            high = np.maximum(100.0, eta_c + 20 * sigma_b)
            low = np.minimum(-100.0, eta_c - 20 * sigma_b)
            vup = np.where(vup >= high, np.inf, vup)
            vlo = np.where(vlo <= low, -np.inf, vlo)
        maxstat = eta_c / sigma_b
        zlo = vlo / sigma_b
        zup = (np.minimum(vup, lf_cv) if hybrid == "LF" else vup) / sigma_b
        inside = (zlo <= maxstat) & (maxstat <= zup)
        if inside.any():
            cval = np.maximum(0.0, _truncnorm_quantile(1 - mod_size, zlo[inside], zup[inside]))
            reject[cols[inside]] = maxstat[inside] > cval
    return reject


def _conditional_test_no_nuisance(beta: np.ndarray, e_post: np.ndarray, thetas: np.ndarray,
                                  A: np.ndarray, d: np.ndarray, sigma: np.ndarray, alpha: float,
                                  hybrid: str, kappa: float, lf_cv: float) -> np.ndarray:
    """Reject indicator of R ``.testInIdentifiedSet_LF_Hybrid`` (or ``.testInIdentifiedSet``)
    for ``y = beta - e_post theta`` at each theta (one post-period). As in R, the second stage of
    the hybrid uses size (alpha - kappa) / (1 - kappa) but, unlike the nuisance route, does not
    truncate the conditional distribution at the least-favourable critical value."""
    sig_tilde = np.sqrt(np.diag(A @ sigma @ A.T))
    At, dt = A / sig_tilde[:, None], d / sig_tilde
    Y = beta[:, None] - np.outer(e_post, thetas)
    moments = At @ Y - dt[:, None]
    loc = np.argmax(moments, axis=0)
    G = len(thetas)
    max_moment = moments[loc, np.arange(G)]
    reject = np.zeros(G, dtype=bool)
    if hybrid == "LF":
        reject = max_moment > lf_cv
        size = (alpha - kappa) / (1 - kappa)
    else:
        size = alpha
    for j in np.unique(loc[~reject]):
        cols = np.flatnonzero((loc == j) & ~reject)
        gamma = At[j]
        Abar = At - At[j][None, :]
        dbar = dt - dt[j]
        s2 = float(gamma @ sigma @ gamma)
        sigmabar = math.sqrt(s2)
        c = sigma @ gamma / s2
        Z = Y[:, cols] - np.outer(c, gamma @ Y[:, cols])
        Ac = Abar @ c
        with np.errstate(divide="ignore", invalid="ignore"):
            objective = (dbar[:, None] - Abar @ Z) / Ac[:, None]
        vlo = np.max(np.where((Ac < 0)[:, None], objective, -np.inf), axis=0, initial=-np.inf)
        vup = np.min(np.where((Ac > 0)[:, None], objective, np.inf), axis=0, initial=np.inf)
        mu = dt[j]
        q = _truncnorm_quantile(1 - size, (vlo - mu) / sigmabar, (vup - mu) / sigmabar)
        critical = np.maximum(0.0, mu + sigmabar * q)
        reject[cols] = max_moment[cols] + mu > critical
    return reject


# ------------------------------------------------------------------------------------------------
# Confidence set
# ------------------------------------------------------------------------------------------------

@dataclass
class RmConfidenceSet:
    mbar: float
    id_lb: float
    id_ub: float
    ci_low: float
    ci_high: float
    grid: np.ndarray
    accept: np.ndarray
    method: str

    @property
    def open_at_grid_end(self) -> bool:
        return bool(self.accept[0] or self.accept[-1])


def rm_confidence_set(beta: np.ndarray, sigma: np.ndarray, num_pre: int, num_post: int, *, mbar: float,
                      l_vec: np.ndarray | None = None, alpha: float = 0.05, method: str = "C-LF",
                      hybrid_kappa: float | None = None, grid_points: int = 1000,
                      grid_lb: float | None = None, grid_ub: float | None = None,
                      post_period_moments_only: bool = True, seed: int = 0) -> RmConfidenceSet:
    """R ``computeConditionalCS_DeltaRM`` + ``createSensitivityResults_relativeMagnitudes``.

    ``beta``/``sigma``: event-study coefficients (pre-periods then post-periods, reference left
    out) and their covariance. ``method``: ``"C-LF"`` (R default) or ``"Conditional"``.
    Defaults as R: ``hybrid_kappa = alpha / 10``, 1,000 grid points on ``[-20, 20]`` times the SE
    of ``l'beta_post``, LF simulation seed 0. The interval is [min, max] of the accepted grid
    points (NaN if none); the grid spacing bounds how far it can be from the continuous set.
    """
    beta = np.asarray(beta, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    l_vec = np.eye(num_post)[0] if l_vec is None else np.asarray(l_vec, dtype=float).ravel()
    if beta.shape != (num_pre + num_post,) or sigma.shape != (len(beta), len(beta)) or len(l_vec) != num_post:
        raise ValueError("beta, sigma and l_vec do not conform to num_pre + num_post")
    if num_pre < 1:
        raise ValueError("Delta^RM needs at least one pre-period coefficient")
    hybrid = {"C-LF": "LF", "Conditional": "ARP"}.get(method)
    if hybrid is None:
        raise ValueError("method must be 'C-LF' or 'Conditional'")
    kappa = alpha / 10 if hybrid_kappa is None else float(hybrid_kappa)
    post = slice(num_pre, None)
    sd_theta = math.sqrt(float(l_vec @ sigma[post, post] @ l_vec))
    grid = np.linspace(-20 * sd_theta if grid_lb is None else grid_lb,
                       20 * sd_theta if grid_ub is None else grid_ub, grid_points)
    accept = np.zeros(grid_points, dtype=bool)
    if num_post == 1:
        if not np.allclose(l_vec, 1.0):
            raise ValueError("with one post-period R tests tau_post itself: l_vec must be [1]")
        e_post = np.zeros(len(beta))
        e_post[num_pre] = 1.0
    else:
        gamma_inv = np.linalg.inv(_construct_gamma(l_vec))
    for _, _, A in _polyhedra(num_pre, num_post, mbar):
        d = np.zeros(len(A))
        if num_post == 1:
            if post_period_moments_only:
                rows = A[:, -1] != 0
                A, d = A[rows], d[rows]
            sig_a = A @ sigma @ A.T
            lf_cv = (least_favorable_cv(sig_a, kappa, vertices=None, seed=seed) if hybrid == "LF" else np.inf)
            rej = _conditional_test_no_nuisance(beta, e_post, grid, A, d, sigma, alpha, hybrid, kappa, lf_cv)
        else:
            rows = (np.abs(A[:, post]).sum(axis=1) > 0) if post_period_moments_only else np.ones(len(A), bool)
            a_gamma = A[:, post] @ gamma_inv
            X = a_gamma[rows, 1:]
            sig_y = (A @ sigma @ A.T)[np.ix_(rows, rows)]
            V = dual_vertices(np.sqrt(np.diag(sig_y)), X)
            lf_cv = (least_favorable_cv(sig_y, kappa, vertices=V, seed=seed) if hybrid == "LF" else np.inf)
            y0 = (A @ beta - d)[rows]
            rej = _conditional_test_nuisance(y0, a_gamma[rows, 0], grid, X, sig_y, V, alpha, hybrid, kappa,
                                             lf_cv)
        accept |= ~rej
    id_lb, id_ub = identified_set(beta, num_pre, num_post, mbar, l_vec)
    lo, hi = (float(grid[accept].min()), float(grid[accept].max())) if accept.any() else (np.nan, np.nan)
    return RmConfidenceSet(float(mbar), id_lb, id_ub, lo, hi, grid, accept, method)

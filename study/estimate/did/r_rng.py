"""R's default random-number stream (``set.seed``, Mersenne-Twister, inversion normals) in NumPy.

R HonestDiD draws the simulations behind its least-favourable critical value with ``set.seed(0)``
and ``mvtnorm::rmvnorm``. Reproducing that stream lets :mod:`.honest_rm` give R's critical values
exactly rather than up to Monte Carlo error (1,000 draws of a 99.5% quantile move the confidence
set visibly). Algorithms as in R's ``src/main/RNG.c`` and ``snorm.c`` (R >= 3.6 defaults):

* ``set.seed(s)``: ``s`` is scrambled 50 times by ``s <- 69069 s + 1`` (mod 2^32); the next 625
  values fill R's seed vector, whose first entry is the position (set to 624) and the other 624
  the Mersenne-Twister state, which is then the standard MT19937 generator (NumPy's ``MT19937``);
* ``unif_rand() = y * 2^-32`` for each 32-bit output ``y`` (0 and 1 nudged inside);
* ``norm_rand()`` (inversion): ``u = floor(2^27 u1) + u2``, ``qnorm(u / 2^27)``;
* ``mvtnorm::rmvnorm(n, sigma)`` (method "eigen"): an n x d matrix of normals filled by row,
  times the symmetric square root of ``sigma`` (eigenvalues clipped at 0).
"""

from __future__ import annotations

import numpy as np

_MASK = 0xFFFFFFFF
_I2_32M1 = 2.328306437080797e-10  # 1 / (2^32 - 1), R's fixup constant
_BIG = 134217728  # 2^27


def _generator(seed: int) -> np.random.Generator:
    s = int(seed) & _MASK
    for _ in range(50):
        s = (69069 * s + 1) & _MASK
    values = []
    for _ in range(625):
        s = (69069 * s + 1) & _MASK
        values.append(s)
    bitgen = np.random.MT19937()
    bitgen.state = {"bit_generator": "MT19937",
                    "state": {"key": np.array(values[1:], dtype=np.uint32), "pos": 624}}
    return np.random.Generator(bitgen)


def r_runif(seed: int, n: int) -> np.ndarray:
    """``set.seed(seed); runif(n)``."""
    return _uniforms(_generator(seed), n)


def _uniforms(gen: np.random.Generator, n: int) -> np.ndarray:
    raw = gen.bit_generator.random_raw(n).astype(np.float64)
    u = raw * 2.3283064365386963e-10
    u = np.where(u <= 0.0, 0.5 * _I2_32M1, u)
    return np.where(1.0 - u <= 0.0, 1.0 - 0.5 * _I2_32M1, u)


def r_rnorm(seed: int, n: int) -> np.ndarray:
    """``set.seed(seed); rnorm(n)`` (inversion: two uniforms per normal)."""
    from scipy.special import ndtri

    u = _uniforms(_generator(seed), 2 * n).reshape(n, 2)
    return ndtri((np.floor(_BIG * u[:, 0]) + u[:, 1]) / _BIG)


def r_rmvnorm(seed: int, n: int, sigma: np.ndarray) -> np.ndarray:
    """``set.seed(seed); mvtnorm::rmvnorm(n, sigma = sigma)`` (mean zero, method "eigen")."""
    sigma = np.asarray(sigma, dtype=float)
    d = sigma.shape[0]
    values, vectors = np.linalg.eigh(sigma)
    root = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    return r_rnorm(seed, n * d).reshape(n, d) @ root

"""Linear mixed models with independent random effects per group, by maximum likelihood, batched.

The model is lme4's ``lmer(y ~ X + (z1 + ... + zq || group), REML = FALSE)``:

    y_g = X_g beta + Z_g b_g + e_g,   b_g ~ N(0, sigma^2 diag(gamma)),   e_g ~ N(0, sigma^2 I)

with ``Z`` a subset of the columns of ``X`` and ``gamma`` the random-effect variances relative to
the residual variance (lme4's ``theta`` squared). As in lme4, ``beta`` and ``sigma^2`` are
profiled out, leaving the deviance as a function of ``gamma`` only:

    d(gamma) = sum_g log det(I + Lambda Z_g'Z_g Lambda) + n (1 + log(2 pi r^2 / n))

where ``Lambda = diag(sqrt(gamma))`` and ``r^2`` is the generalised residual sum of squares at the
best ``beta``. Everything is computed from each group's small cross-product matrix
``[X y]'[X y]`` (Woodbury identity), so a deviance costs a few batched ``q x q`` factorisations per
group and never touches the rows again; the rows are read once. The gradient is analytic:

    d d / d gamma_j = sum_g z_j' V_g^-1 z_j - (n / r^2) sum_g (z_j' V_g^-1 e_g)^2,

with ``V_g = I + Z_g diag(gamma) Z_g'``. Optimising in ``gamma`` (not lme4's ``theta``) keeps the
gradient informative at the boundary ``gamma_j = 0``, where lme4 reports a singular fit, and a
bounded quasi-Newton method (L-BFGS-B) finds such boundary optima exactly. Several independent
models that share a design shape (one per outcome of a network) are optimised together as a
batch: their deviances add and their gradients do not interact.

Standard errors are lme4's: ``sqrt(diag(sigma^2 (X' V^-1 X)^-1))`` at the optimum, with the ML
``sigma^2 = r^2 / n``. The random effects reported per group are the conditional modes (lme4's
``ranef``), and residuals are conditional on them (lme4's ``residuals``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats
from threadpoolctl import threadpool_limits

__all__ = ["MixedFit", "fit_mixed_batch", "group_crossproducts", "one_blas_thread"]


@dataclass(frozen=True)
class MixedFit:
    """Estimates of a batch of ``J`` models (leading axis ``J`` everywhere).

    Attributes
    ----------
    fixed, se, z, p : ndarray, shape (J, k)
        Fixed effects, their standard errors, Wald z and two-sided normal p-values.
    sigma : ndarray, shape (J,)
        Residual SD (ML).
    random_sd : ndarray, shape (J, q)
        SDs of the random effects (``sigma * sqrt(gamma)``).
    ranef : ndarray, shape (J, G, q)
        Conditional modes of each group's random effects.
    deviance, loglik : ndarray, shape (J,)
        ML deviance and log-likelihood.
    n_obs, n_groups : int
        Rows and groups.
    converged : ndarray of bool, shape (J,)
    """

    fixed: np.ndarray
    se: np.ndarray
    z: np.ndarray
    p: np.ndarray
    sigma: np.ndarray
    random_sd: np.ndarray
    ranef: np.ndarray
    deviance: np.ndarray
    loglik: np.ndarray
    n_obs: int
    n_groups: int
    converged: np.ndarray
    iterations: int


def group_crossproducts(group: np.ndarray, W: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-group ``W_g' W_g`` for all groups at once, shape (G, m, m).

    The rows are visited once, in chunks, so memory stays at the size of the result.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]])
    >>> group_crossproducts(np.array([0, 0, 1]), W, 2)[0].tolist()
    [[2.0, 5.0], [5.0, 13.0]]
    """
    n, m = W.shape
    out = np.zeros((n_groups, m, m))
    iu = np.triu_indices(m)
    chunk = max(1, 4_000_000 // max(1, len(iu[0])))
    for start in range(0, n, chunk):
        w = W[start : start + chunk]
        g = group[start : start + chunk]
        prods = w[:, iu[0]] * w[:, iu[1]]
        acc = np.zeros((n_groups, len(iu[0])))
        _bincount_add(acc, g, prods)
        out[:, iu[0], iu[1]] += acc
    out[:, iu[1], iu[0]] = out[:, iu[0], iu[1]]
    return out


def _bincount_add(acc: np.ndarray, g: np.ndarray, prods: np.ndarray) -> None:
    G = acc.shape[0]
    for c in range(prods.shape[1]):
        acc[:, c] += np.bincount(g, prods[:, c], G)


def _cholesky_solve(A: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cholesky factors ``L`` of many small SPD matrices and ``L^-1 R``, batch on the last axes.

    ``A`` is ``(q, q, *batch)`` and ``R`` is ``(q, m, *batch)``: with the batch last, each step
    of the column loop is one contiguous vector operation over every group at once, far faster
    than numpy's stacked ``cholesky``/``solve``, which pay a LAPACK call per 9 x 9 matrix.
    """
    q = A.shape[0]
    L = np.zeros_like(A)
    B = np.empty_like(R)
    for j in range(q):
        Lj = L[j, :j]  # (j, *batch)
        d = np.sqrt(A[j, j] - (Lj * Lj).sum(axis=0))
        L[j, j] = d
        if j + 1 < q:
            L[j + 1 :, j] = (A[j + 1 :, j] - (L[j + 1 :, :j] * Lj[None]).sum(axis=1)) / d
        B[j] = (R[j] - (Lj[:, None] * B[:j]).sum(axis=0)) / d
    return L, B


def _cholesky_back(L: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Solve ``L' x = v`` for every batch member (``L`` is ``(q, q, *batch)``, ``v`` ``(q, *batch)``)."""
    q = L.shape[0]
    x = np.empty_like(v)
    for j in range(q - 1, -1, -1):
        x[j] = (v[j] - (L[j + 1 :, j] * x[j + 1 :]).sum(axis=0)) / L[j, j]
    return x


class _Batch:
    """Deviance and gradient of J models from their group cross-products.

    Per-group quantities are kept with the groups on the last axis (``(q, m, J, G)``) and split
    into blocks of a few thousand group-models, so every step of an evaluation works on arrays
    that stay in the processor's cache; sums over groups become one matrix product per block.
    The cost of an evaluation is linear in the number of groups.
    """

    BLOCK = 2048  # group-models (J x groups) per block

    def __init__(self, S: np.ndarray, zpos: np.ndarray, n: int):
        # S: (J, G, k+1, k+1), last row/column is y; zpos: positions of Z columns within X
        self.zpos = np.asarray(zpos)
        self.n = n
        self.J, self.G, m, _ = S.shape
        self.k = m - 1
        self.q = len(self.zpos)
        self.S_sum = S.sum(axis=1)  # (J, m, m)
        step = max(1, self.BLOCK // self.J)
        self.blocks = []
        for g0 in range(0, self.G, step):
            Sz = S[:, g0 : g0 + step][:, :, self.zpos, :]  # (J, Gb, q, m)
            Sz = np.ascontiguousarray(np.transpose(Sz, (2, 3, 0, 1)))  # (q, m, J, Gb)
            self.blocks.append((Sz, np.ascontiguousarray(Sz[:, self.zpos])))
        self.eye = np.eye(self.q)[:, :, None, None]
        self.zz_sum = sum(np.einsum("iijg->ji", zz) for _, zz in self.blocks)  # (J, q)

    def evaluate(self, gamma: np.ndarray, want_grad: bool = True, keep: bool = False):
        """gamma: (J, q) -> deviance (J,), gradient (J, q), and the pieces for the estimates."""
        J, q, m = self.J, self.q, self.k + 1
        lam = np.sqrt(np.maximum(gamma, 0.0))  # (J, q)
        lt = lam.T[:, None, :, None]  # (q, 1, J, 1)
        ltt = np.swapaxes(lt, 0, 1)
        logdet = np.zeros(J)
        BtB = np.zeros((J, m, m))
        zvz = self.zz_sum.copy()
        Bs, Ls = [], []
        for Sz, Szz in self.blocks:
            A = lt * Szz * ltt + self.eye
            L, B = _cholesky_solve(A, lt * Sz)  # B = L^-1 Lambda Z'[X y]: (q, m, J, Gb)
            logdet += 2.0 * np.log(np.diagonal(L, axis1=0, axis2=1)).sum(axis=(1, 2))
            Gb = B.shape[3]
            Bt = np.ascontiguousarray(np.transpose(B, (2, 1, 0, 3))).reshape(J, m, q * Gb)
            BtB += np.matmul(Bt, np.swapaxes(Bt, 1, 2))
            Bz = B[:, self.zpos]
            zvz -= (Bz * Bz).sum(axis=(0, 3)).T
            Bs.append(B)
            if keep:
                Ls.append(L)
        M = self.S_sum - BtB  # sum_g [X y]' V^-1 [X y]
        Mxx = M[:, : self.k, : self.k]
        Mxy = M[:, : self.k, self.k]
        beta = np.linalg.solve(Mxx, Mxy[..., None])[..., 0]
        r2 = M[:, self.k, self.k] - (Mxy * beta).sum(axis=1)
        dev = logdet + self.n * (1.0 + np.log(2.0 * np.pi * r2 / self.n))
        grad = None
        if want_grad:
            c = np.concatenate([-beta, np.ones((J, 1))], axis=1).T[None, :, :, None]  # (1,m,J,1)
            ss = np.zeros((J, q))
            for (Sz, _), B in zip(self.blocks, Bs, strict=True):
                Bc = (B * c).sum(axis=1)  # (q, J, Gb)
                zve = (Sz * c).sum(axis=1) - (B[:, self.zpos] * Bc[:, None]).sum(axis=0)
                ss += (zve * zve).sum(axis=2).T
            grad = zvz - (self.n / r2)[:, None] * ss
        return dev, grad, beta, r2, Mxx, Ls, lam


def one_blas_thread():
    """A context in which BLAS uses one thread: the batched solves here are thousands of tiny
    matrices, for which a pool of BLAS threads only adds contention (3x slower on 2 cores).

    Examples
    --------
    >>> import numpy as np
    >>> with one_blas_thread():
    ...     float(np.eye(2).sum())
    2.0
    """
    return threadpool_limits(limits=1, user_api="blas")


def fit_mixed_batch(
    S: np.ndarray,
    zpos,
    n_obs: int,
    *,
    start: np.ndarray | None = None,
    tol: float = 1e-15,
    gtol: float = 1e-7,
    max_iter: int = 5000,
) -> MixedFit:
    """Fit ``J`` mixed models given each group's cross-products.

    Parameters
    ----------
    S : ndarray, shape (J, G, k + 1, k + 1)
        ``[X_g y_g]'[X_g y_g]`` for model ``j`` and group ``g`` (``y`` last), e.g. from
        :func:`group_crossproducts`.
    zpos : sequence of int
        Positions (within the ``k`` columns of ``X``) of the columns with a random effect;
        the same for every model of the batch.
    n_obs : int
        Number of rows (the same for every model of the batch).
    start : ndarray, shape (J, q), optional
        Starting relative variances (default 1, as lme4 starts ``theta`` at 1).

    Returns
    -------
    MixedFit

    Examples
    --------
    A random-intercept model on two groups of three rows:

    >>> import numpy as np
    >>> g = np.array([0, 0, 0, 1, 1, 1]); x = np.array([0.0, 1, 2, 0, 1, 2])
    >>> y = np.array([1.0, 2.1, 2.9, 3.0, 4.2, 4.9])
    >>> W = np.column_stack([np.ones(6), x, y])
    >>> fit = fit_mixed_batch(group_crossproducts(g, W, 2)[None], [0], 6)
    >>> round(float(fit.fixed[0, 1]), 4)  # the common slope
    0.95
    """
    batch = _Batch(np.asarray(S, dtype=float), zpos, int(n_obs))
    J, q = batch.J, batch.q
    x0 = np.ones((J, q)) if start is None else np.asarray(start, dtype=float).reshape(J, q)
    scale_f = 1.0

    def fun(v):
        dev, grad, *_ = batch.evaluate(v.reshape(J, q))
        if not np.all(np.isfinite(dev)):
            return np.inf, np.zeros_like(v)
        return float(dev.sum()) * scale_f, grad.ravel() * scale_f

    with one_blas_thread():
        return _fit(batch, x0, fun, tol, gtol, max_iter)


def _fit(batch, x0, fun, tol, gtol, max_iter) -> MixedFit:
    J, q = batch.J, batch.q
    res = optimize.minimize(
        fun,
        x0.ravel(),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, None)] * (J * q),
        options={"ftol": tol, "gtol": gtol, "maxiter": max_iter, "maxcor": 30},
    )
    gamma = res.x.reshape(J, q)
    dev, grad, beta, r2, Mxx, Ls, lam = batch.evaluate(gamma, keep=True)
    sigma2 = r2 / batch.n
    cov = np.linalg.inv(Mxx) * sigma2[:, None, None]
    se = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    z = beta / se
    # conditional modes: b_g = Lambda A_g^-1 Lambda Z_g' e_g, with Z'e from the raw cross-products
    c = np.concatenate([-beta, np.ones((J, 1))], axis=1).T[None, :, :, None]
    lt = lam.T[:, :, None]  # (q, J, 1)
    parts = []
    for (Sz, _), L in zip(batch.blocks, Ls, strict=True):
        ze = (Sz * c).sum(axis=1)  # (q, J, Gb)
        v = np.empty_like(ze)
        for j in range(q):  # forward: L v = Lambda Z'e
            v[j] = (lt[j] * ze[j] - (L[j, :j] * v[:j]).sum(axis=0)) / L[j, j]
        parts.append(lt * _cholesky_back(L, v))
    ranef = np.transpose(np.concatenate(parts, axis=2), (1, 2, 0))  # (J, G, q)
    # converged: a 1% change of any relative variance (in its free direction) would change the
    # deviance by less than 1e-6 per group plus 1e-5, judged from the projected gradient
    pg = np.where((gamma <= 0) & (grad > 0), 0.0, grad)
    converged = (0.01 * np.abs(pg) * np.maximum(gamma, 1e-3)).max(axis=1) < 1e-6 * batch.G + 1e-5
    batch.message = res.message
    return MixedFit(
        fixed=beta,
        se=se,
        z=z,
        p=2.0 * stats.norm.sf(np.abs(z)),
        sigma=np.sqrt(sigma2),
        random_sd=np.sqrt(sigma2)[:, None] * lam,
        ranef=ranef,
        deviance=dev,
        loglik=-dev / 2.0,
        n_obs=batch.n,
        n_groups=batch.G,
        converged=converged,
        iterations=int(res.nit),
    )

"""The exact (RE)ML likelihood of a linear mixed model for dyads measured on several occasions.

The model for dyad ``j``: ``y_j = X_j beta + Z_j b_j + e_j`` with ``b_j ~ N(0, sigma^2 D)`` and
``e_j ~ N(0, sigma^2 R_j)``. ``R_j`` is block-diagonal over occasions: the two partners' residuals
at the same occasion are correlated ``rho`` (nlme's ``corCompSymm(form = ~1 | dyad/occasion)``)
and the second role's SD is ``ratio`` times the first's (``varIdent(form = ~1 | role)``).

Why it is fast: ``R_j^-1`` is a 2x2 block per occasion whose three entries depend only on
``rho`` and ``ratio``, so ``W_j' R_j^-1 W_j`` for ``W = [Z | X | y]`` is a weighted sum of five
per-dyad cross-product matrices computed once. With ``D = L L'``, Woodbury's identity gives
``X' V_j^-1 X`` and ``log|V_j|`` from a q x q Cholesky factor per dyad (q = number of random
effects), done for all dyads at once. One likelihood evaluation is O(n_dyads q^3), whatever the
number of occasions; nothing of size n_obs is touched after the set-up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, sparse

_RHO_LIMIT = 1 - 1e-10


@dataclass
class BlockData:
    """Per-dyad cross-products of ``W = [Z | X | y]`` from which ``W' R_j^-1 W`` is a weighted
    sum, stored dyads last in ``stack`` (K, k, k, G).

    ``kind`` "cs": the five entries are complete occasions' member 0 x 0, 0 x 1 + 1 x 0 and
    1 x 1 products, and occasions where only member 0 or only member 1 was observed; ``counts``
    (3, G) are each dyad's complete occasions, lone member-0 and lone member-1 occasions.

    ``kind`` "ar1": per role, one entry for each person's first observation and, for every gap
    ``d`` in ``gaps`` (time units between a person's consecutive observations), the products of
    the later observation, of the earlier one, and their symmetrised cross-product; ``counts``
    (K, G) are the observations (first) or pairs behind each entry.
    """

    stack: np.ndarray
    counts: np.ndarray
    q: int
    p: int
    kind: str = "cs"
    gaps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def totals(self) -> np.ndarray:
        return self.counts.sum(axis=1)

    @property
    def n_c(self) -> int:
        """Occasions with both partners observed (cs); pairs of consecutive observations of
        the same person (ar1): what identifies the residual correlation."""
        t = self.totals
        if self.kind == "cs":
            return int(t[0])
        r = self._per_role
        return int(sum(t[s * r + 1 : (s + 1) * r : 3].sum() for s in (0, 1)))

    @property
    def _per_role(self) -> int:
        return 1 + 3 * len(self.gaps)

    def role_obs(self) -> tuple[int, int]:
        """Observations of member 0 and member 1."""
        t = self.totals
        if self.kind == "cs":
            return int(t[0] + t[1]), int(t[0] + t[2])
        r = self._per_role
        return tuple(int(t[s * r] + t[s * r + 1 : (s + 1) * r : 3].sum()) for s in (0, 1))

    @property
    def n_obs(self) -> int:
        return sum(self.role_obs())


def _grouped_outer(W: np.ndarray, rows_a, rows_b, owners, G: int) -> np.ndarray:
    """Sum over each owner (dyad) of the outer products W[a] W[b]', stored (k, k, G)."""
    k = W.shape[1]
    outer = (W[rows_a][:, :, None] * W[rows_b][:, None, :]).reshape(len(rows_a), k * k)
    pick = sparse.csr_matrix(
        (np.ones(len(owners)), (owners, np.arange(len(owners)))), shape=(G, len(owners))
    )
    return np.asarray((pick @ outer).T).reshape(k, k, G)


def block_data(
    dyad: np.ndarray,
    occasion: np.ndarray,
    member: np.ndarray,
    X: np.ndarray,
    Z: np.ndarray,
    y: np.ndarray,
) -> BlockData:
    """Arrange observations (one per person and occasion, no missing values) into dyad blocks
    for residuals correlated between the partners at the same occasion.

    ``dyad`` are integer codes 0..G-1, ``occasion`` any integer codes, ``member`` 0 or 1.
    A dyad/occasion/member seen twice is an error for the caller to have caught.
    """
    G = int(dyad.max()) + 1 if len(dyad) else 0
    W = np.concatenate([Z, X, y[:, None]], axis=1)
    # a row index per (dyad, occasion) cell
    cell_key = dyad.astype(np.int64) * (int(occasion.max()) + 1) + occasion.astype(np.int64)
    cells, cell = np.unique(cell_key, return_inverse=True)
    n_cells = len(cells)
    slot = np.full((n_cells, 2), -1, dtype=np.int64)
    slot[cell, member] = np.arange(len(y))
    cell_dyad = np.empty(n_cells, dtype=np.int64)
    cell_dyad[cell] = dyad
    if Z.shape[1] == 0:
        # without random effects only the sums over dyads matter: one block holds them all
        cell_dyad[:] = 0
        G = 1
    both = (slot >= 0).all(axis=1)
    only0 = (slot[:, 0] >= 0) & ~both
    only1 = (slot[:, 1] >= 0) & ~both
    c0, c1, o = slot[both, 0], slot[both, 1], cell_dyad[both]
    C01 = _grouped_outer(W, c0, c1, o, G)
    parts = [
        _grouped_outer(W, c0, c0, o, G),
        C01 + C01.transpose(1, 0, 2),
        _grouped_outer(W, c1, c1, o, G),
        _grouped_outer(W, slot[only0, 0], slot[only0, 0], cell_dyad[only0], G),
        _grouped_outer(W, slot[only1, 1], slot[only1, 1], cell_dyad[only1], G),
    ]
    return BlockData(
        stack=np.ascontiguousarray(np.stack(parts)),
        counts=np.stack([np.bincount(cell_dyad[m], minlength=G) for m in (both, only0, only1)]),
        q=Z.shape[1],
        p=X.shape[1],
    )


def block_data_ar1(
    dyad: np.ndarray,
    time: np.ndarray,
    member: np.ndarray,
    X: np.ndarray,
    Z: np.ndarray,
    y: np.ndarray,
) -> BlockData:
    """Arrange observations into dyad blocks for AR(1) residuals over time within each person
    (nlme's ``corAR1(form = ~ time | dyad/role)``): the residuals of one person ``d`` time units
    apart correlate ``phi^d``; the partners' residuals are independent given the random effects.

    ``time`` are whole numbers, distinct within person. An AR(1) process seen at some of its
    times is still Markov, so each person's ``R^-1`` is tridiagonal: the quadratic form is
    ``e_1^2 + sum_i (e_{i+1} - a_i e_i)^2 / (1 - a_i^2)`` with ``a_i = phi^(t_{i+1} - t_i)``,
    a weighted sum of products grouped by role and gap.
    """
    G = int(dyad.max()) + 1 if len(dyad) else 0
    W = np.concatenate([Z, X, y[:, None]], axis=1)
    order = np.lexsort((time, member, dyad))
    d, m, t = dyad[order], member[order], np.asarray(time, dtype=np.int64)[order]
    owner = d.astype(np.int64) if Z.shape[1] else np.zeros(len(d), dtype=np.int64)
    if Z.shape[1] == 0:
        G = 1
    same = (d[1:] == d[:-1]) & (m[1:] == m[:-1])
    first = np.r_[True, ~same]
    later = np.flatnonzero(same) + 1  # positions (in order) of the later row of each pair
    gap = t[later] - t[later - 1]
    gaps = np.unique(gap)
    parts, counts = [], []
    for s in (0, 1):
        f = first & (m == s)
        rows = order[f]
        parts.append(_grouped_outer(W, rows, rows, owner[f], G))
        counts.append(np.bincount(owner[f], minlength=G))
        for g in gaps:
            sel = later[(gap == g) & (m[later] == s)]
            hi, lo, o = order[sel], order[sel - 1], owner[sel]
            cross = _grouped_outer(W, hi, lo, o, G)
            parts += [
                _grouped_outer(W, hi, hi, o, G),
                _grouped_outer(W, lo, lo, o, G),
                cross + cross.transpose(1, 0, 2),
            ]
            n = np.bincount(o, minlength=G)
            counts += [n, n, n]
    return BlockData(
        stack=np.ascontiguousarray(np.stack(parts)),
        counts=np.stack(counts),
        q=Z.shape[1],
        p=X.shape[1],
        kind="ar1",
        gaps=gaps.astype(np.int64),
    )


@dataclass(frozen=True)
class Structure:
    """Which covariance parameters are free: the random effects' ``q``, whether the residuals
    correlate (the partners within an occasion, or with ``ar1`` one person's over time), and
    whether the roles have their own residual SD."""

    q: int
    correlated: bool = True
    by_role: bool = True
    ar1: bool = False

    @property
    def n_theta(self) -> int:
        return self.q * (self.q + 1) // 2

    @property
    def size(self) -> int:
        return self.n_theta + int(self.correlated) + int(self.by_role)

    def unpack(self, v: np.ndarray) -> tuple[np.ndarray, float, float]:
        """(L, rho, ratio) from the unconstrained vector: L lower-triangular (row-wise),
        rho = tanh(v) (with ``ar1`` the autocorrelation phi), ratio = exp(v)."""
        L = np.zeros((self.q, self.q))
        L[np.tril_indices(self.q)] = v[: self.n_theta]
        i = self.n_theta
        rho = 0.0
        if self.correlated:
            rho = float(np.clip(np.tanh(v[i]), -_RHO_LIMIT, _RHO_LIMIT))
            i += 1
        ratio = math.exp(v[i]) if self.by_role else 1.0
        return L, rho, ratio


@dataclass
class Evaluation:
    deviance: float  # -2 log-likelihood, profiled over beta and sigma^2
    beta: np.ndarray
    sigma2: float
    xtvx: np.ndarray  # X' V0^-1 X with V = sigma^2 V0
    L: np.ndarray
    rho: float
    ratio: float


def _chol_last(T: np.ndarray) -> np.ndarray:
    """Cholesky factors of many small SPD matrices stored (q, q, G), dyads last: q^2 vector
    operations of length G instead of G small LAPACK calls."""
    q = T.shape[0]
    C = np.zeros_like(T)
    for j in range(q):
        d = T[j, j] - (C[j, :j] ** 2).sum(axis=0)
        if not np.all(d > 0):
            raise np.linalg.LinAlgError("not positive definite")
        C[j, j] = np.sqrt(d)
        for i in range(j + 1, q):
            C[i, j] = (T[i, j] - (C[i, :j] * C[j, :j]).sum(axis=0)) / C[j, j]
    return C


def _tri_inv_last(C: np.ndarray) -> np.ndarray:
    """Inverses of lower-triangular matrices stored (q, q, G)."""
    q = C.shape[0]
    J = np.zeros_like(C)
    for i in range(q):
        J[i, i] = 1.0 / C[i, i]
        for j in range(i):
            J[i, j] = -(C[i, j:i] * J[j:i, j]).sum(axis=0) / C[i, i]
    return J


def _residual_weights(bd: BlockData, rho: float, ratio: float, derivatives: bool = False):
    """The weights of ``bd.stack``'s entries in ``W' R^-1 W`` and ``log|R|`` (R the residual
    correlation-and-ratio structure, sigma^2 factored out); with ``derivatives`` also their
    derivatives in atanh(rho) (or atanh(phi)) and in log(ratio), rows 0 and 1."""
    r2 = ratio * ratio
    t = bd.totals
    if bd.kind == "cs":
        one_m = 1.0 - rho * rho
        w = np.array([1.0 / one_m, -rho / (ratio * one_m), 1.0 / (r2 * one_m), 1.0, 1.0 / r2])
        logdet = t[0] * math.log(r2 * one_m) + t[2] * math.log(r2)
        if not derivatives:
            return w, logdet, None, None
        # d/d rho, times d rho / d atanh(rho) = 1 - rho^2
        d_rho = np.array([2 * rho, -(1 + rho * rho) / ratio, 2 * rho / r2, 0.0, 0.0]) / one_m**2
        dw = np.stack([d_rho * one_m, w * np.array([0.0, -1.0, -2.0, 0.0, -2.0])])
        dlog = np.array([-t[0] * 2 * rho, 2.0 * (t[0] + t[2])])
        return w, logdet, dw, dlog
    phi = rho
    per_role = 1 + 3 * len(bd.gaps)
    a = phi ** bd.gaps.astype(float)
    da = bd.gaps * phi ** (bd.gaps - 1.0)  # d a / d phi
    one_m = 1.0 - a * a
    base = np.empty(per_role)
    base[0] = 1.0
    base[1::3], base[2::3], base[3::3] = 1.0 / one_m, a * a / one_m, -a / one_m
    role_factor = np.repeat([1.0, 1.0 / r2], per_role)
    w = np.tile(base, 2) * role_factor
    pairs = t[1:per_role:3] + t[per_role + 1 :: 3]
    n1 = t[per_role] + t[per_role + 1 :: 3].sum()
    logdet = n1 * math.log(r2) + float((pairs * np.log(one_m)).sum())
    if not derivatives:
        return w, logdet, None, None
    dbase = np.zeros(per_role)
    dbase[1::3] = dbase[2::3] = 2 * a * da / one_m**2
    dbase[3::3] = -da * (1 + a * a) / one_m**2
    jac = 1.0 - phi * phi
    dw = np.stack([np.tile(dbase, 2) * role_factor * jac, w * np.repeat([0.0, -2.0], per_role)])
    dlog = np.array([float((pairs * -2 * a * da / one_m).sum()) * jac, 2.0 * n1])
    return w, logdet, dw, dlog


def _core(bd: BlockData, L: np.ndarray, rho: float, ratio: float, need_parts: bool = False):
    """U = sum_j [X|y]' V0_j^-1 [X|y] and sum_j log|V0_j| (V0 = Z L L' Z' + R), and with
    ``need_parts`` the per-dyad pieces the gradient needs (all stored dyads-last)."""
    q = bd.q
    w, logdet, _, _ = _residual_weights(bd, rho, ratio)
    M = np.tensordot(w, bd.stack, axes=1)  # (k, k, G)
    U = M[q:, q:].sum(axis=-1)
    parts = None
    if q:
        Mzz, Mzu = M[:q, :q], M[:q, q:]
        T = np.tensordot(np.tensordot(L, Mzz, axes=([0], [0])), L, axes=([1], [0])).transpose(
            0, 2, 1
        )
        T[np.arange(q), np.arange(q)] += 1.0
        C = _chol_last(T)
        J = _tri_inv_last(C)
        Tinv = np.einsum("kag,kbg->abg", J, J)
        LT = np.tensordot(L, Tinv, axes=([1], [0]))  # L T^-1
        K = np.tensordot(LT, L, axes=([1], [1])).transpose(0, 2, 1)  # L T^-1 L'
        KM = np.einsum("ijg,jug->iug", K, Mzu)
        U = U - np.einsum("iug,ivg->uv", Mzu, KM)
        logdet += 2.0 * float(np.log(C[np.arange(q), np.arange(q)]).sum())
        if need_parts:
            parts = (M, Mzz, Mzu, Tinv, LT, K)
    elif need_parts:
        parts = (M, None, None, None, None, None)
    return U, logdet, parts


def _whitened(bd: BlockData, L: np.ndarray, rho: float, ratio: float):
    """Sum over dyads of [X|y]' V0^-1 [X|y] and sum of log|V0_j| (V0 = Z L L' Z' + R)."""
    U, logdet, _ = _core(bd, L, rho, ratio)
    return U, logdet


def evaluate(bd: BlockData, st: Structure, v: np.ndarray, reml: bool) -> Evaluation:
    """-2 log-likelihood at the covariance parameters ``v`` with beta and sigma^2 profiled out
    (nlme's constants, so the values are comparable with ``logLik`` in R)."""
    L, rho, ratio = st.unpack(v)
    p = bd.p
    try:
        U, logdet = _whitened(bd, L, rho, ratio)
        A = U[:p, :p]
        chol = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        return Evaluation(math.inf, np.full(p, np.nan), math.nan, np.eye(p), L, rho, ratio)
    beta = np.linalg.solve(A, U[:p, p])
    rss = float(U[p, p] - U[:p, p] @ beta)
    n = bd.n_obs
    dof = n - p if reml else n
    if not rss > 0:
        return Evaluation(math.inf, beta, math.nan, A, L, rho, ratio)
    sigma2 = rss / dof
    dev = dof * (math.log(2 * math.pi * sigma2) + 1) + logdet
    if reml:
        dev += 2.0 * float(np.log(np.diag(chol)).sum())
    return Evaluation(dev, beta, sigma2, A, L, rho, ratio)


def deviance_and_gradient(
    bd: BlockData, st: Structure, v: np.ndarray, reml: bool, sigma2: float | None = None
) -> tuple[float, np.ndarray]:
    """The profiled -2 log-likelihood and its exact gradient in the unconstrained parameters.

    With ``Psi = dD/dU`` (U the whitened cross-products of [X|y]), every dyad's ``dD/dM_j`` is
    ``[[K + K Q K, -K Mzu Psi], [-Psi Muz K, Psi]]`` with ``K = L T^-1 L'`` and
    ``Q = Mzu Psi Muz``; the derivatives in rho and ratio follow through the five weights of
    ``M``, those in ``L`` from ``T = I + L' Mzz L``. With ``sigma2`` given, the deviance is
    not profiled over sigma^2 but taken at that value (``Psi`` then has ``a a' / sigma2``), and
    the gradient has one more entry, in ``log sigma^2``.
    """
    L, rho, ratio = st.unpack(v)
    p, q = bd.p, bd.q
    size = len(v) + (sigma2 is not None)
    try:
        U, logdet, parts = _core(bd, L, rho, ratio, need_parts=True)
        A = U[:p, :p]
        cholA = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        return math.inf, np.full(size, np.nan)
    M, Mzz, Mzu, Tinv, LT, K = parts
    Ainv = np.linalg.inv(A)
    beta = Ainv @ U[:p, p]
    rss = float(U[p, p] - U[:p, p] @ beta)
    n = bd.n_obs
    dof = n - p if reml else n
    if not rss > 0:
        return math.inf, np.full(size, np.nan)
    a = np.append(-beta, 1.0)
    if sigma2 is None:
        dev = dof * (math.log(2 * math.pi * rss / dof) + 1) + logdet
        Psi = (dof / rss) * np.outer(a, a)
    else:
        dev = dof * math.log(2 * math.pi * sigma2) + rss / sigma2 + logdet
        Psi = np.outer(a, a) / sigma2
    if reml:
        dev += 2.0 * float(np.log(np.diag(cholA)).sum())
        Psi[:p, :p] += Ainv
    # dD/dM for every dyad, dyads last
    Gam = np.empty(M.shape)
    Gam[q:, q:] = Psi[:, :, None]
    grad = np.zeros(size)
    if sigma2 is not None:
        grad[-1] = dof - rss / sigma2
    if q:
        PsiMuz = np.tensordot(Psi, Mzu, axes=([1], [1]))  # Psi Muz
        Q = np.einsum("iug,ujg->ijg", Mzu, PsiMuz)
        KQ = np.einsum("iag,abg->ibg", K, Q)
        Gam[:q, :q] = K + np.einsum("iag,ajg->ijg", KQ, K)
        off = -np.einsum("uig,ijg->ujg", PsiMuz, K)  # -Psi Muz K
        Gam[q:, :q] = off
        Gam[:q, q:] = off.transpose(1, 0, 2)
        # dD/dL = sum_j 2 [Mzz L T^-1 - Q L T^-1 + Mzz L E],  E = T^-1 L' Q L T^-1
        MzzL = np.tensordot(Mzz, L, axes=([1], [0])).transpose(0, 2, 1)
        QLT = np.einsum("abg,bkg->akg", Q, LT)
        E = np.einsum("aig,akg->ikg", LT, QLT)
        dL = 2.0 * (
            np.einsum("ajg,jkg->ak", MzzL, Tinv)
            - QLT.sum(axis=-1)
            + np.einsum("ajg,jkg->ak", MzzL, E)
        )
        grad[: st.n_theta] = dL[np.tril_indices(q)]
    t = np.tensordot(bd.stack.reshape(len(bd.stack), -1), Gam.reshape(-1), axes=1)
    _, _, dw, dlog = _residual_weights(bd, rho, ratio, derivatives=True)
    i = st.n_theta
    if st.correlated:
        grad[i] = float(dw[0] @ t + dlog[0])
        i += 1
    if st.by_role:
        grad[i] = float(dw[1] @ t + dlog[1])
    return dev, grad


def full_gradient(bd: BlockData, st: Structure, w: np.ndarray, reml: bool) -> np.ndarray:
    """Exact gradient of ``full_deviance`` in ``w = (v, log sigma^2)``."""
    return deviance_and_gradient(bd, st, w[:-1], reml, sigma2=math.exp(w[-1]))[1]


def parameter_covariance(bd: BlockData, st: Structure, w: np.ndarray, reml: bool):
    """Asymptotic covariance of the covariance parameters ``w``: 2 H^-1, H the Hessian of -2 log L
    (central differences of the exact gradient); None where H is singular."""
    H = hessian(lambda x: full_gradient(bd, st, x, reml), w, h=1e-5)
    try:
        if np.linalg.eigvalsh(H).min() <= 0:
            return None
        return 2.0 * np.linalg.inv(H)
    except np.linalg.LinAlgError:
        return None


def full_deviance(bd: BlockData, st: Structure, w: np.ndarray, reml: bool) -> float:
    """-2 log-likelihood at covariance parameters ``w = (v, log sigma^2)`` (not profiled): the
    function whose curvature gives the covariance of the variance parameters."""
    ev = evaluate(bd, st, w[:-1], reml)
    if not math.isfinite(ev.deviance):
        return math.inf
    s2 = math.exp(w[-1])
    n, p = bd.n_obs, bd.p
    dof = n - p if reml else n
    rss = ev.sigma2 * dof
    # the profiled deviance at sigma2_hat, moved to sigma^2 = s2
    return ev.deviance - dof * (math.log(ev.sigma2) + 1) + dof * math.log(s2) + rss / s2


def beta_covariance(bd: BlockData, st: Structure, w: np.ndarray, reml: bool) -> np.ndarray:
    """sigma^2 (X' V0^-1 X)^-1 at ``w = (v, log sigma^2)``."""
    ev = evaluate(bd, st, w[:-1], reml)
    return math.exp(w[-1]) * np.linalg.inv(ev.xtvx)


@dataclass
class MixedFit:
    evaluation: Evaluation
    v: np.ndarray
    w: np.ndarray  # v and log sigma^2
    converged: bool
    iterations: int
    message: str
    hess_inv: np.ndarray | None = None


_WARM_START_DYADS = 1500


def _subset(bd: BlockData, dyads: np.ndarray) -> BlockData:
    """The same model on a subset of the dyads (for a warm start)."""
    return BlockData(
        stack=np.ascontiguousarray(bd.stack[..., dyads]),
        counts=bd.counts[:, dyads],
        q=bd.q,
        p=bd.p,
        kind=bd.kind,
        gaps=bd.gaps,
    )


def fit(bd: BlockData, st: Structure, reml: bool, start: np.ndarray | None = None) -> MixedFit:
    """Minimise the profiled deviance over the covariance parameters: BFGS on the exact
    gradient, then Newton steps on a finite-difference Hessian of that gradient where BFGS
    stopped short. Large data start from a fit to a random subset of dyads, with that fit's
    curvature scaled up, so BFGS needs only a few full-data steps."""
    hess_inv0 = None
    G = bd.stack.shape[-1]
    if start is None and st.size and G > 2 * _WARM_START_DYADS:
        pick = np.sort(np.random.default_rng(0).choice(G, _WARM_START_DYADS, replace=False))
        sub = _subset(bd, pick)
        if sub.n_obs > sub.p + st.size:
            warm = fit(sub, st, reml)
            if np.all(np.isfinite(warm.v)):
                start = warm.v
                H = hessian(lambda x: deviance_and_gradient(sub, st, x, reml)[1], warm.v, 1e-5)
                if np.all(np.isfinite(H)) and np.linalg.eigvalsh(H).min() > 0:
                    hess_inv0 = np.linalg.inv(H) * (_WARM_START_DYADS / G)
                    hess_inv0 = (hess_inv0 + hess_inv0.T) / 2
    if start is None:
        start = np.zeros(st.size)
        idx = np.tril_indices(st.q)
        start[: st.n_theta] = np.where(idx[0] == idx[1], 0.5, 0.0)
        if st.correlated:
            start[st.n_theta] = 0.1

    def fg(v):
        return deviance_and_gradient(bd, st, v, reml)

    res = None
    v = np.asarray(start, dtype=float)
    if st.size and hess_inv0 is not None:
        # quasi-Newton steps with the subset's curvature: about one evaluation per step
        res = _scaled_newton(fg, v, hess_inv0)
    elif st.size:
        options = {"gtol": 1e-7, "maxiter": 5000}
        res = optimize.minimize(fg, v, jac=True, method="BFGS", options=options)
    if res is not None:
        v = res.x
        step = res.hess_inv @ res.jac
        if not np.all(np.abs(step) < 1e-6):
            v = _newton(fg, v)
    ev = evaluate(bd, st, v, reml)
    g = fg(v)[1] if st.size else np.zeros(0)
    # a gradient small relative to the deviance's size (which grows with the data)
    tol = 1e-3 * max(1.0, abs(ev.deviance) / 1e4) if math.isfinite(ev.deviance) else 0.0
    converged = bool(math.isfinite(ev.deviance) and np.all(np.abs(g) < tol))
    return MixedFit(
        evaluation=ev,
        v=v,
        w=np.append(v, math.log(ev.sigma2)),
        converged=converged,
        iterations=int(res.nit) if res is not None else 0,
        message=str(res.message) if res is not None else "no covariance parameters",
        hess_inv=res.hess_inv if res is not None else None,
    )


def _scaled_newton(fg, v: np.ndarray, hess_inv: np.ndarray, steps: int = 60):
    """Minimise with a fixed inverse curvature (step halving when a step does not descend);
    falls back to BFGS from where it stopped if it has not converged. Returns an
    ``OptimizeResult``-like object (x, jac, hess_inv, nit, message)."""
    f, g = fg(v)
    for it in range(steps):
        step = hess_inv @ g
        if np.max(np.abs(step)) < 1e-7:
            return optimize.OptimizeResult(
                x=v, jac=g, hess_inv=hess_inv, nit=it, message="converged (scaled Newton)"
            )
        t = 1.0
        while True:
            fn, gn = fg(v - t * step)
            if fn <= f or t < 1e-3:
                break
            t /= 2
        if not fn <= f:
            if np.max(np.abs(step)) < 1e-4 and abs(fn - f) <= 1e-9 * abs(f):
                # no descent left at the deviance's rounding level: at the optimum
                return optimize.OptimizeResult(
                    x=v, jac=g, hess_inv=hess_inv, nit=it, message="converged (scaled Newton)"
                )
            break
        v, f, g = v - t * step, fn, gn
    return optimize.minimize(
        fg,
        v,
        jac=True,
        method="BFGS",
        options={"gtol": 1e-7, "maxiter": 5000, "hess_inv0": hess_inv},
    )


def _newton(fg, v: np.ndarray, steps: int = 10) -> np.ndarray:
    """Newton steps on a finite-difference Hessian of the exact gradient: the optimum to the
    precision other software prints, not to the optimiser's tolerance."""
    for _ in range(steps):
        f0, g = fg(v)
        H = hessian(lambda x: fg(x)[1], v, h=1e-5)
        try:
            if not np.all(np.isfinite(H)) or np.linalg.eigvalsh(H).min() <= 0:
                break
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        t = 1.0
        while t > 1e-4 and not fg(v - t * step)[0] <= f0 + 1e-10:
            t /= 2
        if t <= 1e-4:
            break
        v = v - t * step
        if np.max(np.abs(t * step)) < 1e-10:
            break
    return v


def hessian(grad, v: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Symmetrised central differences of a gradient function."""
    d = len(v)
    H = np.empty((d, d))
    for i in range(d):
        e = np.zeros(d)
        e[i] = h
        H[i] = (grad(v + e) - grad(v - e)) / (2 * h)
    return (H + H.T) / 2


def numeric_hessian(f, x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Central second differences of a scalar function."""
    d = len(x)
    H = np.empty((d, d))
    f0 = f(x)
    for i in range(d):
        ei = np.zeros(d)
        ei[i] = h
        H[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / h**2
        for j in range(i):
            ej = np.zeros(d)
            ej[j] = h
            H[i, j] = H[j, i] = (
                f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)
            ) / (4 * h * h)
    return H


_DERIVATIVES: dict = {}


def _covariance_derivatives(bd: BlockData, st: Structure, w: np.ndarray, reml: bool):
    """The fixed effects' covariance and its central-difference derivatives in ``w`` (kept for
    the last fit, so the coefficients and the contrasts share one computation)."""
    key = (id(bd), st, w.tobytes(), reml)
    if key not in _DERIVATIVES:
        h = 1e-5
        d = len(w)
        dC = []
        for i in range(d):
            e = np.zeros(d)
            e[i] = h
            dC.append(
                (beta_covariance(bd, st, w + e, reml) - beta_covariance(bd, st, w - e, reml))
                / (2 * h)
            )
        _DERIVATIVES.clear()
        _DERIVATIVES[key] = (beta_covariance(bd, st, w, reml), dC, bd)  # bd: id stays unique
    return _DERIVATIVES[key][:2]


def satterthwaite(
    bd: BlockData,
    st: Structure,
    w: np.ndarray,
    reml: bool,
    contrasts: np.ndarray,
    acov: np.ndarray | None = None,
) -> np.ndarray:
    """Satterthwaite degrees of freedom of each row ``l`` of ``contrasts`` (as SAS and lmerTest):
    2 (l'C l)^2 / (g' A g), C the covariance of beta as a function of the covariance parameters,
    g its gradient and A = 2 H^-1 the asymptotic covariance of the parameters (H the Hessian
    of -2 log L). The value does not depend on how the parameters are written."""
    A = parameter_covariance(bd, st, w, reml) if acov is None else acov
    if A is None:
        return np.full(len(np.atleast_2d(contrasts)), np.nan)
    C0, dC = _covariance_derivatives(bd, st, w, reml)
    out = []
    for lvec in np.atleast_2d(contrasts):
        var = float(lvec @ C0 @ lvec)
        g = np.array([lvec @ dCi @ lvec for dCi in dC])
        denom = float(g @ A @ g)
        out.append(2 * var * var / denom if denom > 0 else math.inf)
    return np.array(out)


def kenward_roger(
    dyad: np.ndarray,
    occasion: np.ndarray,
    member: np.ndarray,
    X: np.ndarray,
    Z: np.ndarray,
    st: Structure,
    w: np.ndarray,
    contrasts: np.ndarray,
    chunk: int = 256,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kenward-Roger: the adjusted covariance of beta, and each contrast's SE and df, as
    pbkrtest computes them (``vcovAdj`` and ``Lb_ddf``), with V linear in its covariance
    parameters (the random effects' covariances, the role variances, the same-occasion
    covariance). Dense per dyad, dyads padded to the largest and done in chunks.
    """
    if st.ar1:
        raise ValueError("Kenward-Roger needs a covariance linear in its parameters (not AR(1))")
    L, rho, ratio = st.unpack(w[:-1])
    s2 = math.exp(w[-1])
    G = s2 * L @ L.T
    q, p = Z.shape[1], X.shape[1]
    order = np.lexsort((member, occasion, dyad))
    dyad, occasion, member, X, Z = dyad[order], occasion[order], member[order], X[order], Z[order]
    starts = np.flatnonzero(np.r_[True, dyad[1:] != dyad[:-1]])
    sizes = np.diff(np.r_[starts, len(dyad)])
    nmax = int(sizes.max())
    pos = np.arange(len(dyad)) - np.repeat(starts, sizes)
    grp = np.repeat(np.arange(len(starts)), sizes)
    # derivative matrices' building blocks
    pairs = [(a, b) for a in range(q) for b in range(a, q)]
    n_par = len(pairs) + (2 if st.by_role else 1) + int(st.correlated)
    PP = np.zeros((n_par, p, p))
    QQ = np.zeros((n_par, n_par, p, p))
    KT = np.zeros((n_par, n_par))
    XtSX = np.zeros((p, p))
    for lo in range(0, len(starts), chunk):
        sel = (grp >= lo) & (grp < lo + chunk)
        g_local = grp[sel] - lo
        ng = int(g_local.max()) + 1
        Xp = np.zeros((ng, nmax, p))
        Zp = np.zeros((ng, nmax, q))
        mp = np.full((ng, nmax), -1)
        op = np.full((ng, nmax), -1)
        Xp[g_local, pos[sel]] = X[sel]
        Zp[g_local, pos[sel]] = Z[sel]
        mp[g_local, pos[sel]] = member[sel]
        op[g_local, pos[sel]] = occasion[sel]
        real = mp >= 0
        same_occ = (op[:, :, None] == op[:, None, :]) & real[:, :, None] & real[:, None, :]
        cross = same_occ & (mp[:, :, None] != mp[:, None, :])
        D = []
        for a, b in pairs:
            M = Zp[:, :, a, None] * Zp[:, None, :, b]
            D.append(M + M.transpose(0, 2, 1) if a != b else M)
        eye = np.eye(nmax)[None]
        if st.by_role:
            D.append(eye * (mp == 0)[:, :, None])
            D.append(eye * (mp == 1)[:, :, None])
        else:
            D.append(eye * real[:, :, None])
        if st.correlated:
            D.append(cross.astype(float))
        sd = np.where(mp == 1, ratio, 1.0)
        R = s2 * np.where(cross, rho, 0.0) * sd[:, :, None] * sd[:, None, :]
        R = R + eye * np.where(real, s2 * sd**2, 1.0)[:, :, None]
        Sigma = Zp @ G @ Zp.transpose(0, 2, 1) + R
        S = np.linalg.inv(Sigma)
        TT = S @ Xp
        XtSX += np.einsum("gia,gib->ab", Xp, TT)
        HH = [Dr @ S for Dr in D]
        OO = [H @ Xp for H in HH]
        for r in range(n_par):
            PP[r] -= np.einsum("gia,gib->ab", OO[r], TT)
            SO = S @ OO[r]
            for t in range(r, n_par):
                QQ[r, t] += np.einsum("gia,gib->ab", SO, OO[t])
                KT[r, t] += np.einsum("gij,gji->", HH[r], HH[t])
    Phi = np.linalg.inv(XtSX)
    IE2 = np.zeros((n_par, n_par))
    for r in range(n_par):
        for t in range(r, n_par):
            val = KT[r, t] - 2 * np.sum(Phi * QQ[r, t]) + np.trace(Phi @ PP[r] @ Phi @ PP[t])
            IE2[r, t] = IE2[t, r] = val
    W = 2 * (
        np.linalg.inv(IE2) if np.abs(np.linalg.eigvalsh(IE2)).min() > 1e-10 else np.linalg.pinv(IE2)
    )
    U = np.zeros((p, p))
    for r in range(n_par):
        for t in range(r + 1, n_par):
            U += W[r, t] * (QQ[r, t] - PP[r] @ Phi @ PP[t])
    U = U + U.T
    for r in range(n_par):
        U += W[r, r] * (QQ[r, r] - PP[r] @ Phi @ PP[r])
    PhiA = Phi + 2 * Phi @ U @ Phi
    ses, dfs = [], []
    for lvec in np.atleast_2d(contrasts):
        vlb = float(lvec @ Phi @ lvec)
        theta = np.outer(lvec, lvec) / vlb
        u = [theta @ Phi @ PP[r] @ Phi for r in range(n_par)]
        A1 = A2 = 0.0
        for r in range(n_par):
            for t in range(r, n_par):
                e = 1.0 if r == t else 2.0
                A1 += e * W[r, t] * np.trace(u[r]) * np.trace(u[t])
                A2 += e * W[r, t] * np.sum(u[r] * u[t].T)
        B = (A1 + 6 * A2) / 2
        g = (2 * A1 - 5 * A2) / (3 * A2)
        c1 = g / (3 + 2 * (1 - g))
        c2 = (1 - g) / (3 + 2 * (1 - g))
        c3 = (3 - g) / (3 + 2 * (1 - g))
        V0 = 1 + c1 * B
        V1 = 1 - c2 * B
        V2 = 1 - c3 * B
        V0 = 0.0 if abs(V0) < 1e-10 else V0
        rho_kr = ((1 - A2) / V1) ** 2 * V0 / V2
        dfs.append(4 + 3 / (rho_kr - 1))
        ses.append(math.sqrt(float(lvec @ PhiA @ lvec)))
    return PhiA, np.array(ses), np.array(dfs)

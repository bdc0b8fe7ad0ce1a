"""Multi-index sets for tensor-product bases: total degree, hyperbolic cross, tensor."""

import numpy as np

INDEX_SETS = ("total_degree", "hyperbolic_cross", "tensor")


def _fits(index_set, degrees, degree):
    """Whether a (partial) tuple of univariate degrees is admissible.

    The three rules are monotone (raising any degree never makes an inadmissible
    tuple admissible), so partial tuples can be pruned during enumeration.
    """
    if index_set == "total_degree":
        return sum(degrees) <= degree
    if index_set == "hyperbolic_cross":
        return int(np.prod([d + 1 for d in degrees])) <= degree + 1
    return max(degrees, default=0) <= degree


def multi_indices(families, degree, index_set):
    """Univariate function indices of every basis function of the tensor space.

    Parameters
    ----------
    families : list of _Family
        One family per input dimension.
    degree : int
        Maximal degree: total degree ``sum_k deg_k <= degree``, hyperbolic cross
        ``prod_k (deg_k + 1) <= degree + 1`` or tensor ``max_k deg_k <= degree``
        (for Fourier, the degree of a function is its frequency).
    index_set : {"total_degree", "hyperbolic_cross", "tensor"}

    Returns
    -------
    indices : ndarray of shape (m, d), dtype int64
        Sorted by total degree, then lexicographically, so the constant
        function comes first.
    """
    found = []

    def extend(prefix, degrees):
        k = len(prefix)
        if k == len(families):
            found.append(tuple(prefix))
            return
        family = families[k]
        for j in range(family.n_terms(degree)):
            new = degrees + [family.degree_of(j)]
            if _fits(index_set, new, degree):
                extend(prefix + [j], new)

    extend([], [])
    key = [
        (sum(f.degree_of(j) for f, j in zip(families, idx)), idx) for idx in found
    ]
    order = sorted(range(len(found)), key=lambda i: key[i])
    indices = np.asarray([found[i] for i in order], dtype=np.int64)
    return indices.reshape(-1, len(families))

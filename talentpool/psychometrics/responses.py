"""Responses — as a matrix or as long-format triples — and the category-indicator matrix Z.

A response matrix ``(n_persons, n_items)`` holds integer categories 0..K_j−1 and NaN where an
item was not administered. ``LongResponses`` holds the same information as one (person, item,
category) triple per answer, so its memory grows with the number of answers, not with
persons × items. Either is encoded once as an indicator matrix Z with one column per
(item, category) pair: Z[i, col(j, k)] = 1 when person i answered k on item j. Then, for
quadrature nodes θ_q,

* person log-likelihoods at every node: L = Z · log P, where (log P)[col(j, k), q] = log P_jk(θ_q);
* expected counts of the EM algorithm: r = Zᵀ · W, where W holds the posterior node weights
  (the E-step itself is in ``estep``).

Z is a ``scipy.sparse`` CSR matrix when few cells are answered and a dense array otherwise
(dense BLAS products beat sparse ones once more than about a tenth of Z is non-zero). Long
responses always give a CSR matrix whose values (all 1) are not stored: blocks of rows are
handed out with a fresh vector of ones (``IndicatorMatrix.row_block``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

# The whole-matrix E-step lives in ``estep``; it is re-exported here for existing callers.
from .estep import Posterior, column_log_probabilities, expected_counts, posterior_weights

__all__ = [
    "IndicatorMatrix",
    "LongResponses",
    "Posterior",
    "category_counts",
    "check_categories",
    "column_log_probabilities",
    "expected_counts",
    "indicator_matrix",
    "posterior_weights",
    "validate_responses",
]

DENSE_ABOVE_DENSITY = 0.1
# Answers handled at once by the checks and encodings of long responses (bounds temporaries).
ANSWER_BLOCK = 1 << 22


def answer_blocks(n_answers: int, size: int = ANSWER_BLOCK) -> Iterator[slice]:
    """Consecutive slices covering ``range(n_answers)``."""
    for start in range(0, n_answers, size):
        yield slice(start, min(start + size, n_answers))


def _canonical(values: np.ndarray, dtype: type) -> np.ndarray:
    """``values`` as a read-only array of ``dtype``; read-only arrays of that dtype are shared."""
    if isinstance(values, np.ndarray) and values.dtype == dtype and not values.flags.writeable:
        return values
    array = np.array(values, dtype=dtype, copy=True)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class LongResponses:
    """One triple per answer: ``person[n]`` (0..n_persons−1) gave ``category[n]`` (0, 1, …) on
    ``item[n]`` (0..n_items−1).

    On construction the triples are checked (ranges, integer categories, at most one answer per
    person and item; ``ValueError`` names the culprit) and stored sorted by person, then item, as
    read-only ``int32``/``int16`` arrays (already read-only arrays of those types are shared, not
    copied). Input already in person order is cheapest; otherwise it is sorted once.
    """

    person: np.ndarray
    item: np.ndarray
    category: np.ndarray
    n_persons: int
    n_items: int
    indptr: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        arrays = [np.asarray(x) for x in (self.person, self.item, self.category)]
        if any(x.ndim != 1 for x in arrays) or len({len(x) for x in arrays}) != 1:
            raise ValueError("person, item and category must be 1-d arrays of the same length")
        for name, values, bound in zip(("person", "item"), arrays, (self.n_persons, self.n_items)):
            if len(values) and not np.issubdtype(values.dtype, np.integer):
                raise ValueError(f"{name} indices must be integers")
            for block in answer_blocks(len(values)):
                bad = (values[block] < 0) | (values[block] >= bound)
                if bad.any():
                    n = block.start + int(np.argmax(bad))
                    raise ValueError(f"answer {n}: {name} {values[n]} is outside 0..{bound - 1}")
        category = arrays[2]
        for block in answer_blocks(len(category)):
            values = category[block]
            bad = (values < 0) | (values > np.iinfo(np.int16).max)
            if not np.issubdtype(values.dtype, np.integer):
                bad |= ~np.isfinite(values) | (values != np.round(values))
            if bad.any():
                n = block.start + int(np.argmax(bad))
                raise ValueError(
                    f"answer {n} (person {arrays[0][n]}, item {arrays[1][n]}): category "
                    f"{category[n]} is not 0, 1, 2, …"
                )
        index_type = np.int32 if self.n_persons < 2**31 else np.int64
        person = _canonical(arrays[0], index_type)
        item = _canonical(arrays[1], np.int32)
        category = _canonical(category, np.int16)
        person, item, category, indptr = _sorted_by_person_and_item(
            person, item, category, int(self.n_persons), int(self.n_items)
        )
        for name, value in (("person", person), ("item", item), ("category", category)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "indptr", indptr)

    @classmethod
    def from_arrays(
        cls,
        person: np.ndarray,
        item: np.ndarray,
        category: np.ndarray,
        *,
        n_persons: int | None = None,
        n_items: int | None = None,
    ) -> LongResponses:
        """Triples from three arrays; the counts default to the highest index + 1."""
        person, item = np.asarray(person), np.asarray(item)
        if n_persons is None:
            n_persons = int(person.max()) + 1 if len(person) else 0
        if n_items is None:
            n_items = int(item.max()) + 1 if len(item) else 0
        return cls(person, item, np.asarray(category), n_persons, n_items)

    @classmethod
    def from_matrix(cls, responses: np.ndarray) -> LongResponses:
        """The answered cells of a ``(n_persons, n_items)`` matrix (NaN = not administered)."""
        responses = validate_responses(responses)
        person, item = np.nonzero(~np.isnan(responses))
        category = responses[person, item]
        return cls(person, item, category, responses.shape[0], responses.shape[1])

    @property
    def n_answers(self) -> int:
        return len(self.person)

    def to_matrix(self) -> np.ndarray:
        """The dense ``(n_persons, n_items)`` matrix with NaN gaps (for small data only)."""
        matrix = np.full((self.n_persons, self.n_items), np.nan)
        matrix[self.person, self.item] = self.category
        return matrix


def _sorted_by_person_and_item(
    person: np.ndarray, item: np.ndarray, category: np.ndarray, n_persons: int, n_items: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Triples in (person, item) order with the CSR row pointer; raises on a repeated pair."""
    if not _non_decreasing(person):
        order = np.argsort(person, kind="stable")
        person, item, category = person[order], item[order], category[order]
        del order
    indptr = np.zeros(n_persons + 1, dtype=np.int64)
    np.cumsum(np.bincount(person, minlength=n_persons), out=indptr[1:])
    if not _item_steps(person, item).all():
        # Sort each person's answers by item in place (scipy's per-row C++ sort).
        rows = sp.csr_matrix(
            (np.array(category), np.array(item), indptr), shape=(n_persons, n_items)
        )
        rows.has_sorted_indices = False
        rows.sort_indices()
        item, category = rows.indices.astype(np.int32, copy=False), rows.data
        repeated = ~_item_steps(person, item)
        if repeated.any():
            n = int(np.argmax(repeated)) + 1
            raise ValueError(f"person {person[n]} answered item {item[n]} more than once")
    for array in (person, item, category, indptr):
        array.setflags(write=False)
    return person, item, category, indptr


def _non_decreasing(values: np.ndarray) -> bool:
    for block in answer_blocks(max(len(values) - 1, 0)):
        if np.any(values[block.start + 1 : block.stop + 1] < values[block]):
            return False
    return True


def _item_steps(person: np.ndarray, item: np.ndarray) -> np.ndarray:
    """For each adjacent pair of answers: a new person starts or the item index increases."""
    ok = np.ones(max(len(person) - 1, 0), dtype=bool)
    for block in answer_blocks(len(ok)):
        lo, hi = block.start, block.stop
        new_person = person[lo + 1 : hi + 1] != person[lo:hi]
        ok[block] = new_person | (item[lo + 1 : hi + 1] > item[lo:hi])
    return ok


@dataclass(frozen=True)
class IndicatorMatrix:
    """Z and its column layout; ``col_item``/``col_category`` describe each column of Z."""

    z: np.ndarray | sp.csr_matrix
    z_transposed: np.ndarray | sp.csr_matrix | sp.csc_matrix
    col_item: np.ndarray
    col_category: np.ndarray
    n_persons: int
    n_items: int

    def row_block(self, start: int, stop: int) -> np.ndarray | sp.csr_matrix:
        """Rows ``start:stop`` of Z without copying Z (CSR blocks get their own ones)."""
        if not sp.issparse(self.z):
            return self.z[start:stop]
        lo, hi = int(self.z.indptr[start]), int(self.z.indptr[stop])
        data = self.z.data[lo:hi]
        if data.strides and data.strides[0] == 0:
            data = np.ones(hi - lo)
        return sp.csr_matrix(
            (data, self.z.indices[lo:hi], self.z.indptr[start : stop + 1] - lo),
            shape=(stop - start, self.z.shape[1]),
        )


def validate_responses(responses: np.ndarray, n_categories: np.ndarray | None = None) -> np.ndarray:
    """Check a response matrix and return it as float; raise ``ValueError`` naming the culprit.

    Every cell must be NaN or an integer in 0..K_j−1 (when ``n_categories`` is given).
    """
    responses = np.asarray(responses, dtype=float)
    if responses.ndim != 2:
        raise ValueError("responses must be a 2-d array (n_persons, n_items)")
    answered = ~np.isnan(responses)
    values = np.where(answered, responses, 0.0)
    bad = answered & ((values != np.round(values)) | (values < 0) | ~np.isfinite(values))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"response at person {row}, item {col} is not a category 0, 1, 2, …")
    if n_categories is not None:
        too_high = answered & (values >= np.asarray(n_categories)[None, :])
        if too_high.any():
            row, col = np.argwhere(too_high)[0]
            raise ValueError(
                f"response {int(values[row, col])} at person {row}, item {col} exceeds the "
                f"item's {int(n_categories[col])} categories"
            )
    return responses


def category_counts(responses: LongResponses, width: int | None = None) -> np.ndarray:
    """N_jk = number of answers in category k of item j, shape ``(n_items, width)``."""
    highest = int(responses.category.max()) if responses.n_answers else 0
    width = max(width or 0, highest + 1, 2)
    counts = np.zeros(responses.n_items * width, dtype=np.int64)
    for block in answer_blocks(responses.n_answers):
        key = responses.item[block].astype(np.int64) * width + responses.category[block]
        counts += np.bincount(key, minlength=len(counts))
    return counts.reshape(responses.n_items, width)


def check_categories(responses: LongResponses, n_categories: np.ndarray) -> None:
    """Raise ``ValueError`` naming the first answer whose category k ≥ K_j."""
    for block in answer_blocks(responses.n_answers):
        too_high = responses.category[block] >= n_categories[responses.item[block]]
        if too_high.any():
            n = block.start + int(np.argmax(too_high))
            j = int(responses.item[n])
            raise ValueError(
                f"response {int(responses.category[n])} at person {responses.person[n]}, item "
                f"{j} exceeds the item's {int(n_categories[j])} categories"
            )


def indicator_matrix(
    responses: np.ndarray | LongResponses,
    n_categories: np.ndarray,
    *,
    allow_dense: bool | None = None,
) -> IndicatorMatrix:
    """Encode validated responses as Z. With ``allow_dense`` (the default for a matrix) Z may be
    dense (see module docstring); otherwise it is a CSR matrix whose ones are not stored."""
    long = isinstance(responses, LongResponses)
    data = responses if long else LongResponses.from_matrix(responses)
    allow_dense = not long if allow_dense is None else allow_dense
    n_categories = np.asarray(n_categories, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(n_categories)[:-1]])
    n_cols = int(np.sum(n_categories))
    col_item = np.repeat(np.arange(data.n_items), n_categories)
    col_category = np.arange(n_cols) - starts[col_item]
    cols = np.empty(data.n_answers, dtype=np.int32)
    for block in answer_blocks(data.n_answers):
        cols[block] = starts[data.item[block]] + data.category[block]
    ones = np.ones(data.n_answers) if allow_dense else np.broadcast_to(1.0, (data.n_answers,))
    z = sp.csr_matrix((ones, cols, data.indptr), shape=(data.n_persons, n_cols))
    dense = allow_dense and data.n_answers > DENSE_ABOVE_DENSITY * data.n_persons * n_cols
    if dense:
        transposed = np.ascontiguousarray(z.T.toarray())
    else:
        transposed = z.T.tocsr() if allow_dense else z.T
    return IndicatorMatrix(
        z=z.toarray() if dense else z,
        z_transposed=transposed,
        col_item=col_item,
        col_category=col_category,
        n_persons=data.n_persons,
        n_items=data.n_items,
    )

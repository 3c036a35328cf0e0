"""The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1.

Leaf hash ``SHA-256(0x00 || leaf)``, interior ``SHA-256(0x01 || left || right)``, the
empty tree ``SHA-256("")``. Proofs are built from *perfect nodes*: node ``(level, index)``
covers leaves ``[index·2^level, (index+1)·2^level)``. Appending a leaf stores it and every
perfect node it completes (two rows per leaf on average), so any inclusion or consistency
proof, for any earlier tree size, reads O(log² n) stored nodes and hashes nothing but the
right edge. Verification follows the algorithms of sections 2.1.3.2 and 2.1.4.2 exactly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

Node = tuple[int, int]
"""A perfect node: ``(level, index)``."""
HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (``size`` ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def range_nodes(lo: int, hi: int) -> list[Node]:
    """Perfect nodes whose fold (:func:`fold`) is the hash of leaves ``[lo, hi)``.

    ``lo`` must be aligned as the RFC's recursive split aligns it (every range the proofs
    need is): the first node is the largest aligned perfect subtree, and so on rightwards.
    """
    nodes: list[Node] = []
    while hi > lo:
        size = hi - lo
        width = size if size & (size - 1) == 0 else _split(size)
        level = width.bit_length() - 1
        nodes.append((level, lo >> level))
        lo += width
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """Hash of a range from its perfect nodes, left to right (:func:`range_nodes`)."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for value in reversed(hashes[:-1]):
        acc = node_hash(value, acc)
    return acc


def inclusion_plan(index: int, size: int) -> list[list[Node]]:
    """The audit path of leaf ``index`` in a tree of ``size`` (RFC 9162 PATH), as node lists.

    Each element of the proof is the fold of one list; the deepest element comes first.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    plan: list[list[Node]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            plan.append(range_nodes(lo + k, hi))
            hi = lo + k
        else:
            plan.append(range_nodes(lo, lo + k))
            lo += k
    plan.reverse()
    return plan


def consistency_plan(old: int, new: int) -> list[list[Node]]:
    """The consistency proof from ``old`` to ``new`` leaves (RFC 9162 SUBPROOF), as node lists."""
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from {old} to {new}")
    if old in (0, new):
        return []
    plan: list[list[Node]] = []
    lo, hi, m, whole = 0, new, old, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            plan.append(range_nodes(lo + k, hi))
            hi = lo + k
        else:
            plan.append(range_nodes(lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    if not whole:
        plan.append(range_nodes(lo, hi))
    plan.reverse()
    return plan


class NodeSource(Protocol):
    """Where perfect nodes are read from (memory, a database)."""

    def nodes(self, wanted: Iterable[Node]) -> Mapping[Node, bytes]:
        """The hashes of ``wanted`` (every one must exist)."""


def materialise(source: NodeSource, plan: Sequence[Sequence[Node]]) -> list[bytes]:
    """Proof hashes from a plan, reading every node it needs in one call."""
    found = source.nodes({n for group in plan for n in group})
    return [fold([found[n] for n in group]) for group in plan]


def root(source: NodeSource, size: int) -> bytes:
    """The root hash of the first ``size`` leaves."""
    return materialise(source, [range_nodes(0, size)])[0] if size else EMPTY_ROOT


def inclusion_proof(source: NodeSource, index: int, size: int) -> list[bytes]:
    """The inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
    return materialise(source, inclusion_plan(index, size))


def consistency_proof(source: NodeSource, old: int, new: int) -> list[bytes]:
    """The consistency proof between the trees of ``old`` and ``new`` leaves."""
    return materialise(source, consistency_plan(old, new))


def completed_nodes(size: int, leaf: bytes, left: Mapping[Node, bytes]) -> dict[Node, bytes]:
    """The nodes that appending ``leaf`` as leaf number ``size`` stores.

    Args:
        size: The tree size before the append (the new leaf's index).
        leaf: The new leaf's hash.
        left: The right edge of the tree before the append (``range_nodes(0, size)``).
    """
    out = {(0, size): leaf}
    level, index, acc = 0, size, leaf
    while index & 1:
        acc = node_hash(left[(level, index - 1)], acc)
        level, index = level + 1, index >> 1
        out[(level, index)] = acc
    return out


class MemoryTree:
    """A whole tree in memory (tests, the benchmark, a verifier replaying a log)."""

    def __init__(self) -> None:
        self.size = 0
        self._nodes: dict[Node, bytes] = {}

    def append(self, data: bytes) -> int:
        """Append a leaf's data; return its index."""
        return self.append_hash(leaf_hash(data))

    def append_hash(self, leaf: bytes) -> int:
        """Append a leaf by its hash; return its index."""
        index = self.size
        self._nodes.update(completed_nodes(index, leaf, self._nodes))
        self.size += 1
        return index

    def nodes(self, wanted: Iterable[Node]) -> dict[Node, bytes]:
        """The hashes of ``wanted`` nodes."""
        return {n: self._nodes[n] for n in wanted}

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the first ``size`` leaves (all by default)."""
        return root(self, self.size if size is None else size)


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof leads to (RFC 9162 2.1.3.2), or ``None`` if malformed."""
    if not 0 <= index < size or any(len(p) != HASH_SIZE for p in proof):
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes],
                     root_hash: bytes) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree with ``root_hash``."""
    return len(leaf) == HASH_SIZE and root_from_inclusion(index, size, leaf, proof) == root_hash


def verify_consistency(old: int, new: int, proof: Sequence[bytes], old_root: bytes,
                       new_root: bytes) -> bool:
    """Whether ``proof`` shows the tree ``old_root`` of ``old`` leaves is a prefix of ``new_root``.

    RFC 9162 2.1.4.2; equal sizes need an empty proof and equal roots, and any tree is
    consistent with the empty one.
    """
    if old < 0 or old > new or any(len(p) != HASH_SIZE for p in proof):
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root

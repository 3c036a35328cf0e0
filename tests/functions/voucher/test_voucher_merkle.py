"""The RFC 9162 Merkle tree: the RFC 6962 / CT test vectors and proofs at every size."""

from __future__ import annotations

import hashlib

import pytest

from functions.voucher import merkle

pytestmark = pytest.mark.unit

# The eight leaves of RFC 6962's test data, as Certificate Transparency implementations
# use them (see ../shared/conformance/README.md), with the roots of each prefix and the
# published audit paths and consistency proofs (google/certificate-transparency,
# transparency-dev/merkle proof/verify_test.go).
LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243",
                                     "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
ROOTS = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")]


def h(*values: str) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


INCLUSION = [  # (leaf index, tree size, audit path)
    (0, 8, h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
    (5, 8, h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
    (2, 3, h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (1, 5, h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
]
CONSISTENCY = [  # (old size, new size, proof)
    (1, 8, h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
    (6, 8, h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
    (2, 5, h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
    (6, 7, h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
             "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
]


@pytest.fixture
def tree() -> merkle.MemoryTree:
    t = merkle.MemoryTree()
    for leaf in LEAVES:
        t.append(leaf)
    return t


def test_the_empty_tree_and_every_prefix_have_the_published_roots(tree: merkle.MemoryTree) -> None:
    assert merkle.MemoryTree().root() == hashlib.sha256(b"").digest()
    assert [tree.root(n) for n in range(1, 9)] == ROOTS


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_published_audit_paths_are_built_and_verify(tree: merkle.MemoryTree, index: int,
                                                     size: int, path: list[bytes]) -> None:
    assert merkle.inclusion_proof(tree, index, size) == path
    leaf = merkle.leaf_hash(LEAVES[index])
    assert merkle.verify_inclusion(index, size, leaf, path, ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_published_consistency_proofs_are_built_and_verify(tree: merkle.MemoryTree, old: int,
                                                            new: int, path: list[bytes]) -> None:
    assert merkle.consistency_proof(tree, old, new) == path
    assert merkle.verify_consistency(old, new, path, ROOTS[old - 1], ROOTS[new - 1])


def _corrupt(proof: list[bytes], root: bytes) -> list[list[bytes]]:
    out = [[*proof, b""], [*proof, root], [root, *proof], [b"", *proof]]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([proof[i][0] ^ 8]) + proof[i][1:]
        out.append(flipped)
    if proof:
        out.append(proof[:-1])
    return out


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_a_corrupted_audit_path_or_wrong_position_is_refused(index: int, size: int,
                                                             path: list[bytes]) -> None:
    root, leaf = ROOTS[size - 1], merkle.leaf_hash(LEAVES[index])
    for bad in _corrupt(path, root):
        assert not merkle.verify_inclusion(index, size, leaf, bad, root)
    for i, n in ((index - 1, size), (index + 1, size), (index ^ 2, size), (index, size * 2),
                 (index, size // 2)):
        assert not merkle.verify_inclusion(i, n, leaf, path, root)
    assert not merkle.verify_inclusion(index, size, merkle.leaf_hash(b"WrongLeaf"), path, root)
    assert not merkle.verify_inclusion(index, size, leaf, path, merkle.EMPTY_ROOT)


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_a_corrupted_consistency_proof_is_refused(old: int, new: int, path: list[bytes]) -> None:
    r1, r2 = ROOTS[old - 1], ROOTS[new - 1]
    for bad in [*_corrupt(path, r1), [], [path[0], *path]]:
        assert not merkle.verify_consistency(old, new, bad, r1, r2)
    for o, n in ((old - 1, new), (old + 1, new), (old ^ 2, new), (old, new * 2), (old, new // 2)):
        assert not merkle.verify_consistency(o, n, path, r1, r2)
    assert not merkle.verify_consistency(old, new, path, r2, r1)


def test_trivial_consistency_cases() -> None:
    assert merkle.verify_consistency(0, 5, [], merkle.EMPTY_ROOT, ROOTS[4])
    assert merkle.verify_consistency(3, 3, [], ROOTS[2], ROOTS[2])
    assert not merkle.verify_consistency(3, 3, [], ROOTS[2], ROOTS[3])
    assert not merkle.verify_consistency(3, 3, [ROOTS[0]], ROOTS[2], ROOTS[2])
    assert not merkle.verify_consistency(4, 3, [], ROOTS[3], ROOTS[2])


def test_every_proof_of_a_larger_tree_verifies_and_a_rewritten_history_does_not() -> None:
    tree, other = merkle.MemoryTree(), merkle.MemoryTree()
    for i in range(70):
        tree.append(b"leaf %d" % i)
        other.append(b"leaf %d" % i if i != 20 else b"rewritten")
    for size in range(1, 71):
        root = tree.root(size)
        for index in range(size):
            proof = merkle.inclusion_proof(tree, index, size)
            assert merkle.verify_inclusion(index, size, merkle.leaf_hash(b"leaf %d" % index),
                                           proof, root)
        for old in range(size + 1):
            proof = merkle.consistency_proof(tree, old, size)
            assert merkle.verify_consistency(old, size, proof, tree.root(old), root)
            # The same sizes, proved by a log whose leaf 20 was rewritten: refused once
            # the rewritten leaf lies in the old tree.
            forged = merkle.consistency_proof(other, old, size)
            if old > 20:
                assert not merkle.verify_consistency(old, size, forged, tree.root(old),
                                                     other.root(size))

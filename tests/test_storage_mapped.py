"""THStorage_newMapped: file-backed storages (shared write-through, private copy-on-write, errors)."""
import numpy as np
import pytest

from pytorch_like._lib import ffi, lib, check_ptr

DOUBLE, LONG = 1, 7


def _vals(s, n, ct="double *"):
    p = ffi.cast(ct, s.data)
    return [p[i] for i in range(n)]


def test_shared_creates_extends_and_persists(tmp_path):
    f = str(tmp_path / "m.bin")
    s = check_ptr(lib.THStorage_newMapped(DOUBLE, f.encode(), 1, 5))
    assert s.size == 5
    p = ffi.cast("double *", s.data)
    for i in range(5):
        p[i] = i * 1.5
    lib.THStorage_free(s)
    assert np.fromfile(f, dtype=np.float64).tolist() == [0, 1.5, 3, 4.5, 6]
    s = check_ptr(lib.THStorage_newMapped(DOUBLE, f.encode(), 1, 0))   # whole file
    assert s.size == 5 and _vals(s, 5) == [0, 1.5, 3, 4.5, 6]
    lib.THStorage_free(s)
    s = check_ptr(lib.THStorage_newMapped(LONG, f.encode(), 0, 0))     # other dtype, same bytes
    assert s.size == 5
    lib.THStorage_free(s)


def test_private_does_not_write_file(tmp_path):
    f = tmp_path / "p.bin"
    np.arange(4, dtype=np.int64).tofile(f)
    s = check_ptr(lib.THStorage_newMapped(LONG, str(f).encode(), 0, 0))
    assert s.size == 4 and _vals(s, 4, "int64_t *") == [0, 1, 2, 3]
    ffi.cast("int64_t *", s.data)[0] = 99
    assert _vals(s, 4, "int64_t *")[0] == 99
    lib.THStorage_free(s)
    assert np.fromfile(f, dtype=np.int64).tolist() == [0, 1, 2, 3]


def test_partial_element_and_empty(tmp_path):
    f = tmp_path / "odd.bin"
    f.write_bytes(b"\0" * 12)
    s = check_ptr(lib.THStorage_newMapped(DOUBLE, str(f).encode(), 0, 0))
    assert s.size == 1
    lib.THStorage_free(s)
    e = tmp_path / "empty.bin"
    e.write_bytes(b"")
    s = check_ptr(lib.THStorage_newMapped(DOUBLE, str(e).encode(), 0, 0))
    assert s.size == 0
    lib.THStorage_free(s)


def test_errors(tmp_path):
    with pytest.raises(RuntimeError, match="cannot open file .*nope"):
        check_ptr(lib.THStorage_newMapped(DOUBLE, str(tmp_path / "nope").encode(), 0, 0))
    f = tmp_path / "small.bin"
    f.write_bytes(b"\0" * 8)
    with pytest.raises(ValueError, match="larger than file"):
        check_ptr(lib.THStorage_newMapped(DOUBLE, str(f).encode(), 0, 3))
    with pytest.raises(ValueError, match="non-negative"):
        check_ptr(lib.THStorage_newMapped(DOUBLE, str(f).encode(), 1, -1))
    with pytest.raises(TypeError, match="invalid dtype"):
        check_ptr(lib.THStorage_newMapped(42, str(f).encode(), 0, 0))
    with pytest.raises(RuntimeError, match="cannot map"):
        check_ptr(lib.THStorage_newMapped(DOUBLE, str(tmp_path).encode(), 0, 1))

"""Where the real Torch7 files (../shared/t7) are, for every test that reads them."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _find_t7_dir():
    cands = [os.environ.get("PYTORCH_LIKE_T7_DIR", ""), os.path.join(ROOT, "..", "shared", "t7"),
             os.path.join(ROOT, "..", "..", "shared", "t7")]   # worktrees live one level deeper
    for c in cands:
        if c and os.path.isfile(os.path.join(c, "MANIFEST.md")):
            return os.path.abspath(c)
    return None


T7_DIR = _find_t7_dir()
REAL_FILES = sorted(f for f in os.listdir(T7_DIR) if f.endswith(".t7")) if T7_DIR else []

"""Haven: a peer-support bot core that knows nothing of any chat platform."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

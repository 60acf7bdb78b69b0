"""PNG charts drawn with matplotlib's Agg canvas, off the event loop (see renderer.py)."""

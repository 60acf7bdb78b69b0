"""The terminal adapter: the embedded default and the demo (DESIGN.md, console contract)."""

"""Pure rules of Haven: no I/O, no clocks, no framework imports, so every rule is testable alone."""

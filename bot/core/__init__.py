"""Messages, registry and dispatcher: the seam between the core and the adapters."""

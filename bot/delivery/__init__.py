"""Outbox: rate-limited, retried, at-most-once sending of timed messages through adapters."""

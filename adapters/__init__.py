"""Platform adapters: each translates its platform's events into core Requests and back."""

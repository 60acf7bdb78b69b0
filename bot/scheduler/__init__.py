"""Timed work: jobs with APScheduler 3 triggers, run on real time or on the simulated clock."""

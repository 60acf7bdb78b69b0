"""Discord adapter on discord.py: slash commands generated from the registry, ephemeral privacy."""

"""Telegram adapter on python-telegram-bot: polling, inline keyboards, private replies in DMs."""

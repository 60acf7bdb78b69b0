"""Test members who have already agreed to their check-ins being kept."""

from __future__ import annotations

from bot.app import App


async def consent_all(app: App, platform: str, users: dict[int, str]) -> None:
    """Create these members as the adapter would and record their consent to check-ins being
    kept, as `/consent yes` does; a test about the consent question uses someone else."""
    for user_id, name in users.items():
        member = await app.services.people.members.ensure(
            platform, str(user_id), name, app.services.clock.now()
        )
        await app.services.privacy.consent(member.id)

"""Use cases over storage. Each service decides; storage holds the SQL; commands phrase."""

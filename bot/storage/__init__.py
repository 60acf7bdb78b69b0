"""Everything that speaks SQL. Services see narrow repositories, never a cursor."""

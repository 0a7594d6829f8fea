"""Parsers turn a fetched page or feed into Vacancy records; they never fetch."""

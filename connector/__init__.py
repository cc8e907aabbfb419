"""A declarative connector framework."""

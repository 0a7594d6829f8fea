"""Capability profiles: the FML catalogue, the profile model and its store."""

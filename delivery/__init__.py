"""What people get: coach shortlists, nightly digests and the dossier."""

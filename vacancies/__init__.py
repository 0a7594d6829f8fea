"""The shared kernel: the Vacancy model, its store, and offline geography."""

"""The built-in detectors, one module per kind of evidence; importing a module registers its detectors."""

"""The ``tongda-quality`` plugin: content quality rules in every build, and the build report."""

"""The ``tongda-a11y`` MkDocs plugin: accessibility options, waivers and the build-time pass."""

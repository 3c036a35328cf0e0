"""Core content plugin."""

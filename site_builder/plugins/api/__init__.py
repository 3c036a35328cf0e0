"""Open policy data: a static JSON API under ``api/v1/`` with its OpenAPI description."""

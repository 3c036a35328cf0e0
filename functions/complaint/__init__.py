"""Complaints and city-issue reports (随手拍), Open311 GeoReport v2 compatible."""

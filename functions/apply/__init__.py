"""Subsidy applications: instant approval and payment (秒报秒批秒付), and 免申即享."""

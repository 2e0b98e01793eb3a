"""Independent simulated social-media world for evaluating cibwatch.

Written without reference to the detector. See ../README.md.
"""
VERSION = "1.0.0"

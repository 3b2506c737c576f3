"""Reporters: turn a scan result (and the verdict, when there is one) into text, JSON or SARIF."""

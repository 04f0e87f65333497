"""Referential files as their producers publish them (no Django): see sources.py."""

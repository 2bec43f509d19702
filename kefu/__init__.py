"""Kefu (客服): customer service centre management for Chinese service organisations."""

__version__ = "0.1.0"

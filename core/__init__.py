"""Shared mechanisms on the ground floor: every app may import them, they import no app."""

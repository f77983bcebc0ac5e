"""Certificates: issuing with unique numbers, Ed25519 signatures, QR codes, verification, PDFs."""

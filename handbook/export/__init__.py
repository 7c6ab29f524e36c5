"""The inspector copy: the zip bundle with its manifest, the PDF, and verify."""

# The home's public key, in the repository: here, not in signing.py, so that `handbook check`
# can name it in its help without importing the cryptography that signing needs.
PUBLIC_KEY_FILE = "data/inspector-copy-key.pub"

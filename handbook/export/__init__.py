"""The inspector copy: the zip bundle with its manifest, the PDF, and verify."""

"""Adapters to systems outside the app: SMTP mail, Redis rate windows, Chromium (Kaleido) for chart
images, verovio for notation. Use cases call these; nothing here decides who may do what."""

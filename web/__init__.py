"""NiceGUI and Starlette glue: middlewares, browser storage, in-process signals, request statistics."""

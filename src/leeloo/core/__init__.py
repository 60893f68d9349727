"""The pure core: values in, values out, `now` passed as an argument.

Nothing here imports I/O, time, randomness or third-party packages (a test checks it).
"""

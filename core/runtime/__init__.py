"""What runs the work and keeps its results, knowing no model: the device choice, the disk cache
(atomic writes), and background jobs.
"""

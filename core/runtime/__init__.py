"""What runs the work and keeps its results, knowing no model: the device choice (device), the disk
cache with atomic writes (diskcache), the one training loop (trainer), the thread policy every trainer
uses (threads), background jobs with their process-wide limit and registry (jobs), and child processes that end with
their parent even when it is killed (childproc).
"""

"""Timings the pages show: the cost of GELU's forms (as a page job) and an LSTM's step against a Transformer's."""

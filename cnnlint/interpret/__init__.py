"""The abstract interpreter: model code read as a program over abstract values, never executed.

``models.find_models`` interprets a file and builds its models; ``models.follow``
runs each model's ``forward`` over abstract tensors, one engine step per layer.
"""

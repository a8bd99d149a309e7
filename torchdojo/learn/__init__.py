"""The learner's loop: watch mode, progress, hints, reset and solutions."""

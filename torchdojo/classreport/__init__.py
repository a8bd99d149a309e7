"""The class report: what a grades folder says about a class, as a page and a summary, and
its grades in the import formats of learning management systems (``torchdojo report``)."""

"""The exceptions of the lmp package.

Every fault lmp finds in its input is an ``lmp.Error``: the same one-line
message the command line prints (options named by their keyword, e.g.
``batch``), with the file and the place in it (a JSON pointer, ``line:col``
or the option) as attributes. Its subclasses say which input is wrong.
"""


class Error(Exception):
    """An input lmp cannot use.

    Attributes:
        message: the one-line message, ``file: place: what to do``.
        file: the input file it is about ("" for an option;
            ``<embedded>/...`` for built-in data; ``<dict>`` for a dict).
        place: a JSON pointer, ``line:col``, or the option's keyword.
        option: the keyword the error is about, or "".
        detail: extra lines (a formula with a caret under the fault), or "".
    """

    def __init__(self, message, file="", place="", option="", detail=""):
        super().__init__(message)
        self.message = message
        self.file = file
        self.place = place
        self.option = option
        self.detail = detail

    def __str__(self):
        return self.message if not self.detail else self.message + "\n" + self.detail


class InputError(Error):
    """A bad option, or a bad hardware, runtime, cluster or sweep input."""


class ModelError(Error):
    """The model: an unknown id, a broken config.json or architecture JSON,
    an unsupported family."""


class DatabaseError(Error):
    """A module database: a broken file, an unknown module, a formula typo."""

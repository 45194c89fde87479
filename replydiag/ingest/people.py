"""A side file listing people (Zendesk's users.xml or users.json, Slack's users.json) names
the authors that the messages name by id only.

A help desk's full export keeps its messages and its people apart: a comment names its
author by ``author_id``, the users file says who that is. Read alone, the messages' agents
were ids ("7", "U024BE7LH") in every per-agent figure. The people file holds no message
text, so it is passed over as an export; its ids and names are kept here to name them.
"""

from __future__ import annotations

import pandas as pd

from .formats import norm_header

_ID_COLUMNS = ("id", "user id", "userid")
# A person's own name before a handle (Slack's ``name`` is the handle, ``real_name`` the name).
_NAME_COLUMNS = (
    "real name",
    "profile real name",
    "display name",
    "full name",
    "name",
    "profile display name",
)


def people_in(frame: pd.DataFrame) -> dict[str, str]:
    """Each person's name by id, where a table lists people (an id and a name column, the ids
    unique); empty otherwise. A name two people share keeps their ids apart: "Sam (7)".

    >>> people_in(pd.DataFrame({"id": ["7", "8", "9"], "name": ["Sam A", "Kim", "Kim"], "role": ["4", "4", "0"]}))
    {'7': 'Sam A', '8': 'Kim (8)', '9': 'Kim (9)'}
    >>> people_in(pd.DataFrame({"id": ["1", "1"], "name": ["a", "b"]}))
    {}
    """
    headers = {norm_header(c): c for c in frame.columns}
    id_column = next((headers[h] for h in _ID_COLUMNS if h in headers), None)
    if id_column is None:
        return {}
    ids = frame[id_column].astype("string").str.strip()
    names = pd.Series(pd.NA, index=frame.index, dtype="string")
    for header in _NAME_COLUMNS:  # the first named column each person has a value in
        if header in headers:
            names = names.fillna(frame[headers[header]].astype("string").str.strip().replace("", pd.NA))
    listed = ids.notna() & names.notna()
    ids, names = ids[listed], names[listed]
    if not len(ids) or ids.duplicated().any():
        return {}
    shared = names.duplicated(keep=False)
    names = names.where(~shared, names + " (" + ids + ")")
    return dict(zip(ids.tolist(), names.tolist(), strict=True))

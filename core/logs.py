"""The application's log lines: one JSON object a line, for the log collector to index without parsing text.

Every line has the time (UTC), level, logger, the request id (core.request_id) and either the structured fields a
caller gave (a security event's) or the message, with the traceback as one string when there is one. JSON escapes
whatever a visitor typed, so a username with a line break cannot forge a second line.
"""

import datetime
import json
import logging


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
        }
        line.update(getattr(record, "security", None) or {"message": record.getMessage()})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)

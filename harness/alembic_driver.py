# pggate's bridge to Alembic, run as `python3 -c <this file> <alembic.ini> <command> ...`.
# It asks Alembic itself for the revision list and applies revisions one at a time in a single process
# (one interpreter start instead of one per revision). Events go to stdout as lines starting "@@pggate ".
import json
import os
import sys
import time
import traceback


def emit(**event):
    sys.stdout.write("@@pggate " + json.dumps(event) + "\n")
    sys.stdout.flush()


def load_config(ini):
    from alembic.config import Config
    cfg = Config(ini)
    url = os.environ.get("DATABASE_URL")
    if url:
        # env.py files differ: some read DATABASE_URL, some read sqlalchemy.url. Offer both.
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def revisions(cfg):
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(cfg)
    out = []
    # _load_revisions reads every revision file without building the graph, so a broken
    # down_revision link is reported instead of crashing inside Alembic.
    for sc in script._load_revisions():
        down = sc.down_revision
        if down is None:
            downs = []
        elif isinstance(down, (tuple, list)):
            downs = list(down)
        else:
            downs = [down]
        out.append({
            "revision": sc.revision,
            "down_revisions": downs,
            "path": os.path.abspath(sc.path),
            "doc": (sc.doc or "").strip().splitlines()[0] if sc.doc else "",
        })
    return out


def failure(exc, revision, versions_paths):
    info = {"event": "error", "revision": revision, "type": type(exc).__name__}
    orig = getattr(exc, "orig", None)
    if orig is not None and getattr(orig, "pgcode", None):
        diag = getattr(orig, "diag", None)
        info["sqlstate"] = orig.pgcode
        info["message"] = (getattr(diag, "message_primary", None) or str(orig)).strip()
        info["detail"] = getattr(diag, "message_detail", None) or ""
        info["hint"] = getattr(diag, "message_hint", None) or ""
        pos = getattr(diag, "statement_position", None)
        info["position"] = int(pos) if pos else 0
    else:
        info["message"] = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    stmt = getattr(exc, "statement", None)
    if stmt:
        info["statement"] = str(stmt)
    # The innermost frame inside a revision file names the line of the failing op.* call.
    tb = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(tb):
        if os.path.abspath(frame.filename) in versions_paths:
            info["file"] = os.path.abspath(frame.filename)
            info["line"] = frame.lineno
            break
    return info


def install_probe(paths, current):
    """With PGGATE_STATE_QUERY set, every statement a revision sends is followed, on the same connection
    and inside the same transaction, by pggate's state query (locks held, relfilenodes, constraints,
    columns); the states before and after go to pggate, which judges them as it judges SQL files."""
    query = os.environ.get("PGGATE_STATE_QUERY")
    if not query:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    busy = [False]
    pending = {}

    def probe(dbapi_connection):
        busy[0] = True
        try:
            cur = dbapi_connection.cursor()
            cur.execute(query)
            rows = [[None if v is None else str(v) for v in row] for row in cur.fetchall()]
            cur.close()
            return rows
        finally:
            busy[0] = False

    def where():
        for frame in reversed(traceback.extract_stack()):
            if os.path.abspath(frame.filename) in paths:
                return os.path.abspath(frame.filename), frame.lineno
        return "", 0

    @event.listens_for(Engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if not busy[0] and current[0]:
            pending[id(cursor)] = probe(cursor.connection)

    @event.listens_for(Engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        rows_before = pending.pop(id(cursor), None)
        if busy[0] or rows_before is None:
            return
        rows_after = probe(cursor.connection)
        if rows_after == rows_before:
            return
        file, line = where()
        emit(event="statement", revision=current[0], file=file, line=line, statement=str(statement),
             before=rows_before, after=rows_after)


def session(cfg, paths):
    """Upgrades and downgrades on request, one line per command on PGGATE_SESSION_IN ("upgrade <rev>",
    "downgrade <target>", "quit"), one JSON event per line on PGGATE_SESSION_OUT; pggate reads the
    schema between commands. One interpreter for a whole up/down/up walk."""
    from alembic import command as alembic_command
    commands = open(os.environ["PGGATE_SESSION_IN"], "r")
    events = open(os.environ["PGGATE_SESSION_OUT"], "w")

    def reply(**event):
        events.write(json.dumps(event) + "\n")
        events.flush()

    reply(event="ready")
    for line in commands:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        action, target = words[0], words[1]
        t = time.monotonic()
        try:
            if action == "upgrade":
                alembic_command.upgrade(cfg, target)
            else:
                alembic_command.downgrade(cfg, target)
        except Exception as exc:  # noqa: BLE001 - reported to pggate, which decides
            event = failure(exc, target, paths)
            event["action"] = action
            reply(**event)
            continue
        reply(event="done", revision=target, action=action, ms=int((time.monotonic() - t) * 1000))
    return 0


def main():
    ini, command = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    try:
        cfg = load_config(ini)
        if command == "revisions":
            emit(event="revisions", revisions=revisions(cfg))
            return 0
        from alembic import command as alembic_command
        paths = {r["path"] for r in revisions(cfg)} if command in ("apply", "session") else set()
        if command == "session":
            return session(cfg, paths)
        if command == "offline":
            # The SQL each revision sends, as `alembic upgrade base:head --sql` writes it (env.py's offline mode):
            # what pggate's static pass reads for Alembic chains.
            import io
            buffer = io.StringIO()
            cfg.output_buffer = buffer
            alembic_command.upgrade(cfg, "base:heads", sql=True)
            emit(event="offline", sql=buffer.getvalue())
            return 0
        stamp, revs = None, []
        i = 0
        while i < len(args):
            if args[i] == "--stamp":
                stamp = args[i + 1]
                i += 2
            elif args[i] == "--revisions":
                revs = [r for r in args[i + 1].split(",") if r]
                i += 2
            else:
                raise SystemExit("unknown argument " + args[i])
        if stamp:
            t = time.monotonic()
            emit(event="start", revision=stamp, action="stamp")
            try:
                alembic_command.stamp(cfg, stamp)
            except Exception as exc:  # noqa: BLE001 - reported to pggate, which decides
                emit(**failure(exc, stamp, paths))
                return 1
            emit(event="done", revision=stamp, action="stamp", ms=int((time.monotonic() - t) * 1000))
        current = [None]
        install_probe(paths, current)
        for rev in revs:
            t = time.monotonic()
            current[0] = rev
            emit(event="start", revision=rev, action="upgrade")
            try:
                alembic_command.upgrade(cfg, rev)
            except Exception as exc:  # noqa: BLE001
                emit(**failure(exc, rev, paths))
                return 1
            emit(event="done", revision=rev, action="upgrade", ms=int((time.monotonic() - t) * 1000))
        return 0
    except Exception as exc:  # noqa: BLE001 - Alembic itself failed (bad ini, env.py error)
        emit(**failure(exc, "", set()))
        return 2


sys.exit(main())

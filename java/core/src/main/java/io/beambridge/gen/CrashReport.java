package io.beambridge.gen;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import org.slf4j.Logger;

/**
 * A GenServer's crash report, as Elixir's logger shows one (at level debug, which adds the
 * state and the client):
 * <pre>
 * GenServer MyApp.Server terminating
 * ** (RuntimeError) java.lang.IllegalStateException: boom
 *     Server.java:42: :"com.example.Server".handle/0
 *     ServerProcess.java:250: :"io.beambridge.gen.ServerProcess".call/0
 * Last message (from #PID&lt;ex@host.96.0&gt;): :hello
 * State: %{id: 1}
 * Client #PID&lt;ex@host.96.0&gt; is remote on node :ex@host
 * </pre>
 * The stack lines are the exit reason's, formatted as {@code Exception.format_stacktrace_entry/1}
 * formats them — for a Java exception, its Java frames (as many as the reason carries). The Java
 * exception itself, when there is one, follows with its full stack trace and causes.
 */
final class CrashReport {
    private CrashReport() {}

    private static final Atom STRUCT = new Atom("__struct__");
    private static final Atom MESSAGE = new Atom("message");

    static void log(Logger log, String who, Term reason, Object message, From from, Term state, Throwable cause) {
        StringBuilder sb = new StringBuilder("GenServer ").append(who).append(" terminating\n");
        sb.append(banner(reason));
        sb.append("\nLast message");
        if (from != null) {
            sb.append(" (from ").append(from.caller()).append(')');
        }
        sb.append(": ").append(message == null ? "none" : shown(message));
        sb.append("\nState: ").append(state);
        if (from != null) {
            sb.append("\nClient ").append(from.caller()).append(client(from.caller()));
        }
        if (cause != null && !(cause instanceof io.beambridge.node.ExitException)) {
            log.error("{}", sb, cause);
        } else {
            log.error("{}", sb);
        }
    }

    /** The request of a call, as Elixir's report shows it; any other message as it is. */
    private static Object shown(Object message) {
        if (message instanceof Term.Tuple t && t.arity() == 3 && t.get(0) instanceof Atom a && a.is("$gen_call")) {
            return t.get(2);
        }
        return message;
    }

    /** {@code ** (RuntimeError) message} and the stack for an Elixir exception; {@code ** (stop) reason} otherwise. */
    static String banner(Term reason) {
        if (reason instanceof Term.Tuple t && t.arity() == 2 && t.get(0) instanceof Term.Map e
                && e.get(STRUCT) instanceof Atom module && t.get(1) instanceof Term.List stack) {
            String name = module.name().startsWith("Elixir.") ? module.name().substring(7) : module.name();
            String msg = e.get(MESSAGE) instanceof Term.Binary b ? b.text() : String.valueOf(e.get(MESSAGE));
            StringBuilder sb = new StringBuilder("** (").append(name).append(") ").append(msg);
            for (Term frame : stack.elements()) {
                sb.append("\n    ").append(frame(frame));
            }
            return sb.toString();
        }
        if (reason instanceof Term.Tuple t && t.arity() == 2 && t.get(0) instanceof Atom a && a.is("function_clause")
                && t.get(1) instanceof Term.List stack && !stack.isEmpty()
                && stack.get(0) instanceof Term.Tuple top && top.arity() == 4) {
            return "** (FunctionClauseError) no function clause matching in " + arity(top) + "\n    " + frame(top);
        }
        return "** (stop) " + reason;
    }

    /** Elixir's {@code Client ... is alive / is dead / is remote on node ...}. */
    private static String client(io.beambridge.term.Pid caller) {
        io.beambridge.internal.runtime.LocalProc self = io.beambridge.internal.runtime.LocalProc.current();
        if (self == null || !caller.node().equals(self.nodeName())) {
            return " is remote on node " + new Atom(caller.node());
        }
        io.beambridge.internal.runtime.LocalProc p = self.table().lookup(caller);
        return p != null && p.isAlive() ? " is alive" : " is dead";
    }

    /** {@code Exception.format_mfa/3}: {@code Mod.fun/arity}, or {@code Mod.fun(args)} when the arguments are known. */
    private static String mfa(Term.Tuple f) {
        String m = f.get(0).toString(); // inspect: MyApp.Server, :gen_server, :"com.example.Server"
        String fn = f.get(1) instanceof Atom a ? function(a.name()) : f.get(1).toString();
        if (f.get(2) instanceof Term.List args) {
            StringBuilder sb = new StringBuilder(m).append('.').append(fn).append('(');
            for (int i = 0; i < args.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(args.get(i));
            }
            return sb.append(')').toString();
        }
        return m + "." + fn + "/" + f.get(2);
    }

    /** {@code Mod.fun/arity} (the length of the arguments when they are known). */
    private static String arity(Term.Tuple f) {
        String fn = f.get(1) instanceof Atom a ? function(a.name()) : f.get(1).toString();
        String n = f.get(2) instanceof Term.List args ? Integer.toString(args.size()) : f.get(2).toString();
        return f.get(0) + "." + fn + "/" + n;
    }

    /** A function name as Elixir shows it after a dot: as it is when it is an identifier, else quoted. */
    private static String function(String name) {
        return name.matches("[a-z_][a-zA-Z0-9_]*[?!]?") ? name : "\"" + name.replace("\"", "\\\"") + "\"";
    }

    private static String frame(Term frame) {
        if (frame instanceof Term.Tuple f && f.arity() == 4 && f.get(3) instanceof Term.List info) {
            String file = null;
            String line = null;
            for (Term i : info.elements()) {
                if (i instanceof Term.Tuple kv && kv.arity() == 2 && kv.get(0) instanceof Atom k) {
                    if (k.is("file")) {
                        file = text(kv.get(1));
                    } else if (k.is("line")) {
                        line = kv.get(1).toString();
                    }
                }
            }
            return (file == null ? "" : file + (line == null ? "" : ":" + line) + ": ") + mfa(f);
        }
        return frame.toString();
    }

    private static String text(Term t) {
        if (t instanceof Term.List l && l.isProper()) {
            StringBuilder sb = new StringBuilder();
            for (Term c : l.elements()) {
                if (c instanceof Term.Int i) {
                    sb.appendCodePoint((int) i.value());
                }
            }
            return sb.toString();
        }
        return t instanceof Term.Binary b ? b.text() : t.toString();
    }
}

package io.beambridge.internal.runtime;

import io.beambridge.node.ErlangError;
import io.beambridge.node.ErlangThrow;
import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.BadTermException;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Java exceptions as Elixir sees errors: exception structs an Elixir caller can
 * {@code rescue}, and Java stack frames as Erlang stack trace entries
 * ({@code {Module, :function, arity, [file: ~c"File.java", line: 12]}}), so that crash
 * reports in Elixir's logger show where Java failed.
 *
 * <ul>
 *   <li>{@link IllegalArgumentException}: {@code %ArgumentError{message: ...}};
 *   <li>{@link BadTermException} (a term that does not fit the Java type a function
 *       reads it as): {@code :function_clause}, as a BEAM function whose heads do not
 *       match its arguments;
 *   <li>{@link ArithmeticException} (a division by zero): Erlang's {@code :badarith}, which
 *       Elixir rescues as {@code ArithmeticError};
 *   <li>{@link ErlangError} (and {@link io.beambridge.node.FunctionClauseError}): its reason;
 *   <li>{@link ErlangThrow} not caught: {@code {:nocatch, value}};
 *   <li>any other: {@code %RuntimeError{message: "java.lang.IllegalStateException: ..."}}.
 * </ul>
 */
public final class Errors {
    private Errors() {}

    /** How many stack frames an exit reason carries at most (BEAM's default backtrace depth is 8). */
    static final int DEPTH = 12;

    public static final Atom FUNCTION_CLAUSE = new Atom("function_clause");
    private static final Atom BADARITH = new Atom("badarith");
    private static final Atom NOCATCH = new Atom("nocatch");
    private static final Atom STRUCT = new Atom("__struct__");
    private static final Atom EXCEPTION = new Atom("__exception__");
    private static final Atom MESSAGE = new Atom("message");
    private static final Atom FILE = new Atom("file");
    private static final Atom LINE = new Atom("line");

    /**
     * The exit reason of a process that crashed with {@code t}: an {@link ExitException}'s
     * own reason; else {@code {error, stacktrace}} as an Elixir process that raised exits.
     */
    public static Term reasonOf(Throwable t) {
        if (t instanceof ExitException e) {
            return e.reason();
        }
        return Term.Tuple.of(error(t), stacktrace(t));
    }

    /** The error term: an Elixir exception struct, or {@code :function_clause} for a bad term. */
    public static Term error(Throwable t) {
        return switch (t) {
            case ErlangError e -> e.reason();
            case ErlangThrow t1 -> Term.Tuple.of(NOCATCH, t1.value()); // a throw no one caught
            case BadTermException b -> FUNCTION_CLAUSE;
            case IllegalArgumentException e -> exception("ArgumentError", message(e, false));
            case ArithmeticException e -> BADARITH;
            default -> exception("RuntimeError", message(t, true));
        };
    }

    private static String message(Throwable t, boolean withClass) {
        String m = t.getMessage();
        if (!withClass) {
            return m == null ? t.getClass().getName() : m;
        }
        return m == null ? t.getClass().getName() : t.getClass().getName() + ": " + m;
    }

    /** {@code %Elixir.<name>{message: message}} with {@code __exception__: true}. */
    public static Term.Map exception(String name, String message) {
        Map<Term, Term> m = new LinkedHashMap<>();
        m.put(STRUCT, Atom.elixir(name));
        m.put(EXCEPTION, Atom.TRUE);
        m.put(MESSAGE, Term.string(message));
        return Term.Map.of(m);
    }

    /** {@code {%RuntimeError{message: message}, stack}}: how an Elixir process that raised exits. */
    public static Term runtimeError(String message, Term.List stack) {
        return Term.Tuple.of(exception("RuntimeError", message), stack);
    }

    /** The Java frames of {@code t} as an Erlang stack trace, at most {@value #DEPTH}. */
    public static Term.List stacktrace(Throwable t) {
        if (t instanceof ErlangError e && e.stacktrace() != null) {
            return e.stacktrace();
        }
        return frames(t.getStackTrace(), 0);
    }

    /** The frames from {@code from} on, as an Erlang stack trace. */
    public static Term.List frames(StackTraceElement[] frames, int from) {
        List<Term> l = new ArrayList<>();
        for (int i = from; i < frames.length && l.size() < DEPTH; i++) {
            l.add(frame(frames[i]));
        }
        return Term.List.of(l);
    }

    /** One frame: {@code {:"pkg.Class", :method, 0, [file: ~c"Class.java", line: 12]}} (Java keeps no arity). */
    public static Term frame(StackTraceElement e) {
        List<Term> info = new ArrayList<>(2);
        if (e.getFileName() != null) {
            info.add(Term.Tuple.of(FILE, Term.charlist(e.getFileName())));
        }
        if (e.getLineNumber() > 0) {
            info.add(Term.Tuple.of(LINE, Term.Int.of(e.getLineNumber())));
        }
        return Term.Tuple.of(new Atom(e.getClassName()), new Atom(e.getMethodName()), Term.Int.of(0),
                Term.List.of(info));
    }

    /**
     * A stack trace that starts with {@code {module, function, args, []}} — {@code args}
     * the argument list, as BEAM shows it for a function clause error, or the arity, as for
     * any other error — and goes on with {@code where}'s Java frames.
     */
    public static Term.List clauseStack(Atom module, String function, Term args, Throwable where) {
        List<Term> l = new ArrayList<>();
        l.add(Term.Tuple.of(module, new Atom(function), args, Term.List.EMPTY));
        if (where != null) {
            l.addAll(stacktrace(where).elements());
        }
        return Term.List.of(l);
    }

    /** {@code {module, function, arity, []}} followed by the calling thread's frames from {@code skip} on. */
    public static Term.List callbackStack(Atom module, String function, int arity) {
        List<Term> l = new ArrayList<>();
        l.add(Term.Tuple.of(module, new Atom(function), Term.Int.of(arity), Term.List.EMPTY));
        return Term.List.of(l);
    }
}

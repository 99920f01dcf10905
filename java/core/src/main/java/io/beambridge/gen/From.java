package io.beambridge.gen;

import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.node.Node;
import io.beambridge.term.BadTermException;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;

/**
 * The caller of a {@linkplain GenServer#handleCall call}: Erlang's {@code {pid, tag}}. A
 * server replies at once by returning {@link Result#reply}, or keeps the From and
 * {@link #reply}s later — after returning {@link Result#noreply}, from another thread, or
 * from another process — as {@code GenServer.reply/2} allows.
 *
 * <p>Immutable and thread-safe; {@link #reply} never blocks. A reply to a caller that has
 * given up (timed out, or died) is dropped: it goes to the caller's alias when the tag
 * carries one, as {@code gen:reply/2} does.
 */
public final class From {
    private final ProcessTable table;
    private final Pid server;
    private final Term.Tuple term;

    From(ProcessTable table, Pid server, Term.Tuple term) {
        this.table = table;
        this.server = server;
        this.term = term;
    }

    /**
     * The From written as {@code {pid, tag}} ({@link #toTerm}, or a From an Elixir server
     * passed on in a message), to reply to from {@code node}: the reply is sent as from the
     * calling process when it is one of {@code node}'s, else as from a temporary process.
     *
     * @throws BadTermException when {@code from} is not {@code {pid, tag}}
     */
    public static From of(Node node, Term from) {
        if (!(from instanceof Term.Tuple t) || t.arity() != 2 || !(t.get(0) instanceof Pid)) {
            throw new BadTermException("", "a From {pid, tag}", from);
        }
        ProcessTable table = Engine.of(node).table();
        return new From(table, table.asCaller(LocalProc::self), t);
    }

    /** The calling process. */
    public Pid caller() {
        return (Pid) term.get(0);
    }

    /** The term {@code {pid, tag}}, to pass the From in a message. */
    public Term.Tuple toTerm() {
        return term;
    }

    /** Sends {@code {tag, reply}} to the caller ({@code GenServer.reply/2}), as from the server. */
    public void reply(Object reply) {
        GenCall.reply(table, server, term, Term.of(reply));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof From f && f.term.equals(term);
    }

    @Override
    public int hashCode() {
        return term.hashCode();
    }

    @Override
    public String toString() {
        return "From" + term;
    }
}

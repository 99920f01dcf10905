package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.process.ProcessTable;
import io.beambridge.process.Signal;
import io.beambridge.term.BadTermException;
import io.beambridge.term.Terms;
import java.util.Objects;

/**
 * The caller of a {@link GenServer#handleCall call}: Erlang's {@code {Pid, Tag}}. A
 * server may reply at once (by returning {@link Result#reply}), or keep the From and
 * {@link #reply} later — after returning {@link Result#noreply}, from another thread,
 * or from another process — as {@code GenServer.reply/2} allows.
 *
 * <p>Immutable and thread-safe; {@link #reply} never blocks and may be called from any
 * thread. A reply to a caller that has given up (timed out, or died) is dropped: the
 * reply goes to the caller's alias when the tag carries one, as {@code gen:reply/2}
 * does.
 */
public final class From {
    private final ProcessTable table;
    private final OtpErlangPid server;
    private final OtpErlangTuple term;

    /**
     * A From of a call received by {@code server} on the node of {@code table}.
     *
     * @throws BadTermException when {@code from} is not {@code {Pid, Tag}}
     */
    public From(ProcessTable table, OtpErlangPid server, OtpErlangObject from) {
        this.table = Objects.requireNonNull(table, "table");
        this.server = Objects.requireNonNull(server, "server");
        if (!(from instanceof OtpErlangTuple t) || t.arity() != 2 || !(t.elementAt(0) instanceof OtpErlangPid)) {
            throw new BadTermException("a {Pid, Tag} from", from);
        }
        this.term = t;
    }

    /** The calling process. */
    public OtpErlangPid caller() {
        return (OtpErlangPid) term.elementAt(0);
    }

    /** The term {@code {Pid, Tag}}, for passing the From in a message. */
    public OtpErlangTuple toTerm() {
        return term;
    }

    /**
     * Sends {@code {Tag, Reply}} to the caller ({@code GenServer.reply/2}); {@code reply}
     * is converted with {@link Terms#term(Object)}. Sent as from the server.
     */
    public void reply(Object reply) {
        OtpErlangObject tag = term.elementAt(1);
        OtpErlangTuple message = new OtpErlangTuple(new OtpErlangObject[] {tag, Terms.term(reply)});
        if (Gen.aliasOf(tag) instanceof OtpErlangRef alias) {
            table.send(new Signal.AliasSend(server, alias, message));
        } else {
            table.send(new Signal.Send(server, caller(), message));
        }
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

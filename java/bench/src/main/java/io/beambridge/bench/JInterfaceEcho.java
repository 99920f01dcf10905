package io.beambridge.bench;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangExit;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpEpmd;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpNode;
import io.beambridge.term.Pid;
import java.io.IOException;

/**
 * The raw JInterface baseline: an {@link OtpNode} of the installed OTP's
 * OtpErlang.jar with one {@link OtpMbox} served by one thread, answering the
 * gen_server call protocol by hand: {@code {'$gen_call', {Pid, Tag}, Req}} gets
 * {@code {Tag, Req}} sent to Pid (JInterface cannot send to an alias), casts are
 * counted, and {@code sync} answers the count since the last sync, as the echo
 * servers do.
 */
final class JInterfaceEcho implements AutoCloseable {
    private static final OtpErlangAtom GEN_CALL = new OtpErlangAtom("$gen_call");
    private static final OtpErlangAtom GEN_CAST = new OtpErlangAtom("$gen_cast");
    private static final OtpErlangAtom SYNC = new OtpErlangAtom("sync");

    private final OtpNode node;
    private final OtpMbox mbox;
    private final Thread thread;
    private volatile boolean closed;

    JInterfaceEcho(String name, String cookie, int epmdPort) throws IOException {
        OtpEpmd.useEpmdPort(epmdPort);
        node = new OtpNode(name, cookie);
        mbox = node.createMbox("bench_echo");
        thread = new Thread(this::serve, "jinterface-echo");
        thread.setDaemon(true);
        thread.start();
    }

    String nodeName() {
        return node.node();
    }

    /** The echo mailbox's pid, as a beambridge term (for handing to BEAM callers). */
    Pid pid() {
        OtpErlangPid p = mbox.self();
        return new Pid(p.node(), p.id(), p.serial(), p.creation());
    }

    private void serve() {
        long casts = 0;
        while (!closed) {
            OtpErlangObject m;
            try {
                m = mbox.receive();
            } catch (OtpErlangExit e) {
                continue;
            } catch (Exception e) {
                return;
            }
            if (!(m instanceof OtpErlangTuple t)) {
                continue;
            }
            if (t.arity() == 3 && GEN_CALL.equals(t.elementAt(0)) && t.elementAt(1) instanceof OtpErlangTuple from
                    && from.arity() == 2 && from.elementAt(0) instanceof OtpErlangPid caller) {
                OtpErlangObject req = t.elementAt(2);
                OtpErlangObject reply = req;
                if (SYNC.equals(req)) {
                    reply = new OtpErlangLong(casts);
                    casts = 0;
                }
                mbox.send(caller, new OtpErlangTuple(new OtpErlangObject[] {from.elementAt(1), reply}));
            } else if (t.arity() == 2 && GEN_CAST.equals(t.elementAt(0))) {
                casts++;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        mbox.close();
        node.close();
    }
}

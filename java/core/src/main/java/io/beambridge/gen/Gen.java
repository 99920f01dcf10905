package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;

/**
 * The call protocol of OTP's {@code gen} module, in one place: how a call is sent and
 * its answer awaited, and how a server replies.
 *
 * <pre>
 *   Mref = monitor(process, Target, [{alias, demonitor}]), Tag = [alias | Mref],
 *   Target ! {'$gen_call', {self(), Tag}, Request}
 *   receive {Tag, Reply}                       -&gt; Reply
 *           {'DOWN', Mref, _, _, noconnection} -&gt; exit({nodedown, Node})
 *           {'DOWN', Mref, _, _, Reason}       -&gt; exit(Reason)
 *   after Timeout -&gt; demonitor(Mref, [flush]), exit(timeout)
 * </pre>
 *
 * A server replies {@code {Tag, Reply}} to the alias when the tag carries one (a late
 * reply to a caller that timed out is then dropped by the caller's node), else to the
 * caller's pid.
 */
public final class Gen {
    private Gen() {}

    public static final OtpErlangAtom GEN_CALL = new OtpErlangAtom("$gen_call");
    public static final OtpErlangAtom GEN_CAST = new OtpErlangAtom("$gen_cast");

    /**
     * Calls the process {@code to} and waits up to {@code timeoutMillis} (negative:
     * forever) for the reply.
     *
     * @throws ExitException with reason {@code noproc}, {@code {nodedown, Node}},
     *     {@code timeout}, or the reason the server exited with
     */
    public static OtpErlangObject call(Proc self, OtpErlangPid to, OtpErlangObject request, long timeoutMillis) {
        return call(self, to, to.node(), request, GEN_CALL, timeoutMillis);
    }

    /** As {@link #call(Proc, OtpErlangPid, OtpErlangObject, long)}, to the process registered as {@code name} on {@code node}. */
    public static OtpErlangObject call(Proc self, String name, String node, OtpErlangObject request,
                                       long timeoutMillis) {
        return call(self, new OtpErlangAtom(name), node, request, GEN_CALL, timeoutMillis);
    }

    /**
     * The general form: {@code target} is a pid or a name atom on {@code node};
     * {@code label} is {@code '$gen_call'} or another label (sys uses {@code system}).
     */
    public static OtpErlangObject call(Proc self, OtpErlangObject target, String node, OtpErlangObject request,
                                       OtpErlangAtom label, long timeoutMillis) {
        OtpErlangRef mref = self.monitorWithAlias(target, node);
        OtpErlangList tag = aliasTag(mref);
        OtpErlangTuple message = new OtpErlangTuple(new OtpErlangObject[] {
                label, new OtpErlangTuple(new OtpErlangObject[] {self.self(), tag}), request});
        if (target instanceof OtpErlangPid pid) {
            self.send(pid, message);
        } else {
            self.send(((OtpErlangAtom) target).atomValue(), node, message);
        }
        OtpErlangObject m = self.receive(x -> isReply(x, mref) || isDown(x, mref), timeoutMillis);
        if (m == null) {
            self.demonitor(mref);
            OtpErlangObject late = self.receive(x -> isReply(x, mref), 0);
            if (late != null) {
                return ((OtpErlangTuple) late).elementAt(1);
            }
            throw new ExitException(Atoms.TIMEOUT);
        }
        OtpErlangTuple t = (OtpErlangTuple) m;
        if (isReply(t, mref)) {
            self.demonitor(mref);
            return t.elementAt(1);
        }
        OtpErlangObject reason = t.elementAt(4);
        if (Atoms.NOCONNECTION.equals(reason)) {
            throw new ExitException(new OtpErlangTuple(new OtpErlangObject[] {
                    Atoms.NODEDOWN, new OtpErlangAtom(node)}));
        }
        throw new ExitException(reason);
    }

    /** The tag {@code [alias | Mref]}. */
    static OtpErlangList aliasTag(OtpErlangRef mref) {
        try {
            return new OtpErlangList(new OtpErlangObject[] {Atoms.ALIAS}, mref);
        } catch (com.ericsson.otp.erlang.OtpErlangException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isReply(OtpErlangObject m, OtpErlangRef mref) {
        return m instanceof OtpErlangTuple t && t.arity() == 2 && aliasOf(t.elementAt(0)) instanceof OtpErlangRef r
                && r.equals(mref);
    }

    private static boolean isDown(OtpErlangObject m, OtpErlangRef mref) {
        return m instanceof OtpErlangTuple t && t.arity() == 5 && Atoms.DOWN.equals(t.elementAt(0))
                && mref.equals(t.elementAt(1));
    }

    /** The alias in a tag {@code [alias | A]} or {@code [[alias | A] | _]}, else null. */
    static OtpErlangObject aliasOf(OtpErlangObject tag) {
        if (tag instanceof OtpErlangList l && l.arity() == 1 && l.getLastTail() != null) {
            if (Atoms.ALIAS.equals(l.elementAt(0))) {
                return l.getLastTail() instanceof OtpErlangRef r ? r : null;
            }
            return aliasOf(l.elementAt(0));
        }
        return null;
    }

    /**
     * Replies to a caller ({@code gen:reply/2}): sends {@code {Tag, Reply}} to the
     * alias in the tag when there is one, else to the caller's pid. {@code from} is the
     * {@code {Pid, Tag}} of the call; {@code sender} is the replying process.
     *
     * @throws IllegalArgumentException when {@code from} is not {@code {Pid, Tag}}
     */
    public static void reply(Proc sender, OtpErlangObject from, OtpErlangObject reply) {
        if (!(from instanceof OtpErlangTuple f) || f.arity() != 2 || !(f.elementAt(0) instanceof OtpErlangPid pid)) {
            throw new IllegalArgumentException("not a {Pid, Tag} from: " + from);
        }
        OtpErlangObject tag = f.elementAt(1);
        OtpErlangTuple message = new OtpErlangTuple(new OtpErlangObject[] {tag, reply});
        if (aliasOf(tag) instanceof OtpErlangRef alias) {
            sender.send(alias, message);
        } else {
            sender.send(pid, message);
        }
    }
}

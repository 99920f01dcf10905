package io.beambridge.internal.runtime;

import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;

/**
 * The call protocol of OTP's {@code gen} module, in one place: how a call is sent and its
 * answer awaited, how a server replies, and what a DOWN or an EXIT message looks like.
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
 * caller's pid ({@code gen:reply/2}).
 */
public final class GenCall {
    private GenCall() {}

    public static final Atom GEN_CALL = new Atom("$gen_call");
    public static final Atom GEN_CAST = new Atom("$gen_cast");
    public static final Atom SYSTEM = new Atom("system");
    public static final Atom NODEDOWN = new Atom("nodedown");
    private static final Atom ALIAS = new Atom("alias");

    /**
     * Calls {@code target} — a pid, or a name atom on {@code node} — with the message
     * {@code {label, {self(), Tag}, request}} ({@code label} is {@code '$gen_call'}, or
     * {@code system} for sys) and waits up to {@code timeoutNanos} (negative: forever)
     * for the reply.
     *
     * @throws ExitException with reason {@code noproc}, {@code {nodedown, Node}},
     *     {@code timeout}, or the reason the server exited with
     */
    public static Term call(LocalProc self, Term target, String node, Atom label, Object request, long timeoutNanos) {
        Ref mref = self.monitorWithAlias(target, node);
        Term.List tag = Term.List.improper(java.util.List.of(ALIAS), mref);
        Object message = request instanceof Term r
                ? Term.Tuple.of(label, Term.Tuple.of(self.self(), tag), r)
                : new LocalCall(label, Term.Tuple.of(self.self(), tag), request); // a Java object: this node only
        if (target instanceof Pid pid) {
            self.sendRaw(pid, message);
        } else {
            self.sendRaw((Atom) target, node, message);
        }
        Object m = self.take(x -> isReply(x, mref) || isDown(x, mref), timeoutNanos);
        if (m == null) {
            self.demonitor(mref);
            Object late = self.take(x -> isReply(x, mref), 0);
            if (late != null) {
                return ((Term.Tuple) late).get(1);
            }
            throw new ExitException(Atom.TIMEOUT);
        }
        Term.Tuple t = (Term.Tuple) m;
        if (isReply(t, mref)) {
            self.demonitor(mref);
            return t.get(1);
        }
        Term reason = t.get(4);
        if (Atom.NOCONNECTION.equals(reason)) {
            throw new ExitException(Term.Tuple.of(NODEDOWN, new Atom(node)));
        }
        throw new ExitException(reason);
    }

    /** A call whose request is a Java object, between two processes of one node. */
    public record LocalCall(Atom label, Term.Tuple from, Object request) {}

    private static boolean isReply(Object m, Ref mref) {
        return m instanceof Term.Tuple t && t.arity() == 2 && aliasOf(t.get(0)) instanceof Ref r && r.equals(mref);
    }

    /** True for {@code {'DOWN', ref, _, _, _}}. */
    public static boolean isDown(Object m, Ref ref) {
        return m instanceof Term.Tuple t && t.arity() == 5 && Atom.DOWN.equals(t.get(0)) && ref.equals(t.get(1));
    }

    /** True for {@code {'EXIT', from, _}}. */
    public static boolean isExitFrom(Object m, Pid from) {
        return m instanceof Term.Tuple t && t.arity() == 3 && Atom.EXIT.equals(t.get(0)) && from.equals(t.get(1));
    }

    /** The reason of a DOWN or EXIT message. */
    public static Term reasonOf(Object downOrExit) {
        Term.Tuple t = (Term.Tuple) downOrExit;
        return t.get(t.arity() - 1);
    }

    /** The alias in a tag {@code [alias | A]} or {@code [[alias | A] | _]}, else null. */
    public static Ref aliasOf(Term tag) {
        if (tag instanceof Term.List l && l.size() == 1 && !l.isProper()) {
            if (ALIAS.equals(l.get(0))) {
                return l.tail() instanceof Ref r ? r : null;
            }
            return aliasOf(l.get(0));
        }
        return null;
    }

    /** True when {@code from} is a call's {@code {Pid, Tag}}. */
    public static boolean isFrom(Term from) {
        return from instanceof Term.Tuple f && f.arity() == 2 && f.get(0) instanceof Pid;
    }

    /**
     * Replies to a caller ({@code gen:reply/2}): sends {@code {Tag, Reply}} to the alias in
     * the tag when there is one, else to the caller's pid. {@code from} is the call's
     * {@code {Pid, Tag}}; {@code sender} is the replying process (may be null: the reply
     * is then sent from no process, as {@code gen:reply/2} from outside one).
     *
     * @throws IllegalArgumentException when {@code from} is not {@code {Pid, Tag}}
     */
    public static void reply(ProcessTable table, Pid sender, Term from, Term reply) {
        if (!(from instanceof Term.Tuple f) || f.arity() != 2 || !(f.get(0) instanceof Pid pid)) {
            throw new IllegalArgumentException("not a {Pid, Tag} from: " + from);
        }
        Term tag = f.get(1);
        Term.Tuple message = Term.Tuple.of(tag, reply);
        Ref alias = aliasOf(tag);
        if (alias != null) {
            table.send(new Signal.AliasSend(sender, alias, message));
        } else {
            table.send(new Signal.Send(sender, pid, message));
        }
    }
}

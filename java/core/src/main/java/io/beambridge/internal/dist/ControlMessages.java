package io.beambridge.internal.dist;

import io.beambridge.internal.runtime.Signal;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;

/**
 * The distribution control messages (erl_dist_protocol, "Protocol between connected
 * nodes") and the {@link Signal}s they carry. Decoding accepts the old, payload and
 * trace-token forms alike; encoding picks the form the connection's flags allow.
 */
final class ControlMessages {
    private ControlMessages() {}

    static final int LINK = 1, SEND = 2, EXIT = 3, UNLINK = 4, REG_SEND = 6, GROUP_LEADER = 7,
            EXIT2 = 8, SEND_TT = 12, EXIT_TT = 13, REG_SEND_TT = 16, EXIT2_TT = 18, MONITOR_P = 19,
            DEMONITOR_P = 20, MONITOR_P_EXIT = 21, SEND_SENDER = 22, SEND_SENDER_TT = 23,
            PAYLOAD_EXIT = 24, PAYLOAD_EXIT_TT = 25, PAYLOAD_EXIT2 = 26, PAYLOAD_EXIT2_TT = 27,
            PAYLOAD_MONITOR_P_EXIT = 28, SPAWN_REQUEST = 29, SPAWN_REQUEST_TT = 30, SPAWN_REPLY = 31,
            SPAWN_REPLY_TT = 32, ALIAS_SEND = 33, ALIAS_SEND_TT = 34, UNLINK_ID = 35, UNLINK_ID_ACK = 36;

    /** A control message this node does not understand or that has the wrong shape. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message);
        }
    }

    /** True when a control message with this tag is followed by a payload term. */
    static boolean hasPayload(int tag) {
        return switch (tag) {
            case SEND, REG_SEND, SEND_TT, REG_SEND_TT, SEND_SENDER, SEND_SENDER_TT, PAYLOAD_EXIT,
                 PAYLOAD_EXIT_TT, PAYLOAD_EXIT2, PAYLOAD_EXIT2_TT, PAYLOAD_MONITOR_P_EXIT, SPAWN_REQUEST,
                 SPAWN_REQUEST_TT, ALIAS_SEND, ALIAS_SEND_TT -> true;
            default -> false;
        };
    }

    /** The tag of a control tuple. */
    static int tagOf(Term control) throws MalformedException {
        if (control instanceof Term.Tuple t && t.arity() >= 1 && t.get(0) instanceof Term.Int l) {
            if (l.value() < 0 || l.value() > 255) {
                throw new MalformedException("control message tag out of range: " + abbreviate(control));
            }
            return (int) l.value();
        }
        throw new MalformedException("control message is not a tuple with an integer tag: " + abbreviate(control));
    }

    // ------------------------------------------------------------------ decoding

    /**
     * The signal a control message carries.
     *
     * @param payload the term after the control tuple, null when there was none
     * @param localNode this node's name, for messages addressed by name
     */
    static Signal decode(Term control, Term payload, String localNode) throws MalformedException {
        int tag = tagOf(control);
        Term.Tuple t = (Term.Tuple) control;
        if (hasPayload(tag) && payload == null) {
            throw new MalformedException("control message " + tag + " without its payload");
        }
        if (!hasPayload(tag) && payload != null) {
            throw new MalformedException("control message " + tag + " followed by an unexpected payload");
        }
        return switch (tag) {
            case LINK -> { arity(t, 3); yield new Signal.Link(pid(t, 1), pid(t, 2)); }
            case SEND -> { arity(t, 3); yield new Signal.Send(null, pid(t, 2), payload); }
            case SEND_TT -> { arity(t, 4); yield new Signal.Send(null, pid(t, 2), payload); }
            case SEND_SENDER -> { arity(t, 3); yield new Signal.Send(pid(t, 1), pid(t, 2), payload); }
            case SEND_SENDER_TT -> { arity(t, 4); yield new Signal.Send(pid(t, 1), pid(t, 2), payload); }
            case EXIT -> { arity(t, 4); yield new Signal.Exit(pid(t, 1), pid(t, 2), t.get(3), true); }
            case EXIT_TT -> { arity(t, 5); yield new Signal.Exit(pid(t, 1), pid(t, 2), t.get(4), true); }
            case PAYLOAD_EXIT -> { arity(t, 3); yield new Signal.Exit(pid(t, 1), pid(t, 2), payload, true); }
            case PAYLOAD_EXIT_TT -> { arity(t, 4); yield new Signal.Exit(pid(t, 1), pid(t, 2), payload, true); }
            case EXIT2 -> { arity(t, 4); yield new Signal.Exit(pid(t, 1), pid(t, 2), t.get(3), false); }
            case EXIT2_TT -> { arity(t, 5); yield new Signal.Exit(pid(t, 1), pid(t, 2), t.get(4), false); }
            case PAYLOAD_EXIT2 -> { arity(t, 3); yield new Signal.Exit(pid(t, 1), pid(t, 2), payload, false); }
            case PAYLOAD_EXIT2_TT -> { arity(t, 4); yield new Signal.Exit(pid(t, 1), pid(t, 2), payload, false); }
            case UNLINK -> { arity(t, 3); yield new Signal.Unlink(-1, pid(t, 1), pid(t, 2)); }
            case UNLINK_ID -> { arity(t, 4); yield new Signal.Unlink(id(t, 1), pid(t, 2), pid(t, 3)); }
            case UNLINK_ID_ACK -> { arity(t, 4); yield new Signal.UnlinkAck(id(t, 1), pid(t, 2), pid(t, 3)); }
            case REG_SEND -> {
                arity(t, 4);
                yield new Signal.RegSend(pid(t, 1), atom(t, 3), localNode, payload);
            }
            case REG_SEND_TT -> {
                arity(t, 5);
                yield new Signal.RegSend(pid(t, 1), atom(t, 3), localNode, payload);
            }
            case GROUP_LEADER -> { arity(t, 3); yield new Signal.GroupLeader(pid(t, 1), pid(t, 2)); }
            case MONITOR_P -> {
                arity(t, 4);
                yield new Signal.Monitor(pid(t, 1), pidOrAtom(t, 2), localNode, ref(t, 3));
            }
            case DEMONITOR_P -> {
                arity(t, 4);
                yield new Signal.Demonitor(pid(t, 1), pidOrAtom(t, 2), localNode, ref(t, 3));
            }
            case MONITOR_P_EXIT -> {
                arity(t, 5);
                yield new Signal.MonitorDown(pidOrAtom(t, 1), pid(t, 2), ref(t, 3), t.get(4));
            }
            case PAYLOAD_MONITOR_P_EXIT -> {
                arity(t, 4);
                yield new Signal.MonitorDown(pidOrAtom(t, 1), pid(t, 2), ref(t, 3), payload);
            }
            case ALIAS_SEND -> { arity(t, 3); yield new Signal.AliasSend(pid(t, 1), ref(t, 2), payload); }
            case ALIAS_SEND_TT -> { arity(t, 4); yield new Signal.AliasSend(pid(t, 1), ref(t, 2), payload); }
            case SPAWN_REQUEST, SPAWN_REQUEST_TT -> {
                arity(t, tag == SPAWN_REQUEST ? 6 : 7);
                if (!(t.get(4) instanceof Term.Tuple mfa) || mfa.arity() != 3
                        || !(mfa.get(0) instanceof Atom m)
                        || !(mfa.get(1) instanceof Atom f)
                        || !(mfa.get(2) instanceof Term.Int a) || a.value() < 0 || a.value() > 255) {
                    throw new MalformedException("SPAWN_REQUEST without {M, F, A}: " + abbreviate(t));
                }
                if (!(t.get(5) instanceof Term.List opts) || !opts.isProper()
                        || !(payload instanceof Term.List args) || !args.isProper()) {
                    throw new MalformedException("SPAWN_REQUEST with bad options or arguments: " + abbreviate(t));
                }
                yield new Signal.SpawnRequest(ref(t, 1), pid(t, 2), pid(t, 3), m, f, (int) a.value(), opts, args,
                        localNode);
            }
            case SPAWN_REPLY, SPAWN_REPLY_TT -> {
                arity(t, tag == SPAWN_REPLY ? 5 : 6);
                yield new Signal.SpawnReply(ref(t, 1), pid(t, 2), (int) id(t, 3), t.get(4));
            }
            default -> throw new MalformedException("unknown control message tag " + tag + ": " + abbreviate(t));
        };
    }

    /**
     * Refuses, as erts does ("Invalid distribution message"), a link, unlink, exit or
     * monitor signal whose sender is not a process of the connection's peer: a peer
     * speaks only for its own processes. Without this a peer could link or monitor in
     * the name of any node's processes, and those links and monitors would outlive its
     * connection.
     */
    static void checkSender(Signal s, String peer) throws MalformedException {
        Pid from = switch (s) {
            case Signal.Link l -> l.from();
            case Signal.Unlink u -> u.from();
            case Signal.UnlinkAck a -> a.from();
            case Signal.Exit e -> e.from();
            case Signal.Monitor m -> m.watcher();
            case Signal.Demonitor d -> d.watcher();
            default -> null;
        };
        if (from != null && !from.node().equals(peer)) {
            throw new MalformedException("invalid distribution message: " + s.getClass().getSimpleName()
                    + " from " + from + ", a process of " + from.node() + ", not of " + peer);
        }
    }

    private static void arity(Term.Tuple t, int n) throws MalformedException {
        if (t.arity() != n) {
            throw new MalformedException("control message " + t.get(0) + " has arity " + t.arity()
                    + ", expected " + n + ": " + abbreviate(t));
        }
    }

    private static Pid pid(Term.Tuple t, int i) throws MalformedException {
        if (t.get(i) instanceof Pid p) {
            return p;
        }
        throw new MalformedException("element " + (i + 1) + " of control message " + t.get(0)
                + " is not a pid: " + abbreviate(t));
    }

    private static Ref ref(Term.Tuple t, int i) throws MalformedException {
        if (t.get(i) instanceof Ref r) {
            return r;
        }
        throw new MalformedException("element " + (i + 1) + " of control message " + t.get(0)
                + " is not a reference: " + abbreviate(t));
    }

    private static Atom atom(Term.Tuple t, int i) throws MalformedException {
        if (t.get(i) instanceof Atom a) {
            return a;
        }
        throw new MalformedException("element " + (i + 1) + " of control message " + t.get(0)
                + " is not an atom: " + abbreviate(t));
    }

    private static Term pidOrAtom(Term.Tuple t, int i) throws MalformedException {
        Term o = t.get(i);
        if (o instanceof Pid || o instanceof Atom) {
            return o;
        }
        throw new MalformedException("element " + (i + 1) + " of control message " + t.get(0)
                + " is neither a pid nor a name: " + abbreviate(t));
    }

    private static long id(Term.Tuple t, int i) throws MalformedException {
        if (t.get(i) instanceof Term.Int l) {
            return l.value();
        }
        throw new MalformedException("element " + (i + 1) + " of control message " + t.get(0)
                + " is not an integer: " + abbreviate(t));
    }

    static String abbreviate(Term o) {
        String s = String.valueOf(o);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    // ------------------------------------------------------------------ encoding

    /** A control tuple and its payload (null when the message has none). */
    record Wire(Term.Tuple control, Term payload) {}

    private static Term.Tuple tuple(int tag, Term... rest) {
        Term[] e = new Term[rest.length + 1];
        e[0] = Term.Int.of(tag);
        System.arraycopy(rest, 0, e, 1, rest.length);
        return Term.Tuple.of(e);
    }

    private static final Atom EMPTY = new Atom("");

    /** A message's payload: a term; a Java object of the runtime never leaves its node. */
    private static Term payload(Object message) {
        if (message instanceof Term t) {
            return t;
        }
        throw new IllegalArgumentException("a " + message.getClass().getName()
                + " is a Java object of this node and cannot be sent to another node");
    }

    /**
     * The control message for a signal, in the form the connection's {@code flags}
     * allow; null when the peer cannot receive it (an alias send to a node without
     * ALIAS).
     *
     * @throws IllegalArgumentException for a message that is not a term
     */
    static Wire encode(Signal s, long flags) {
        boolean payloadExits = (flags & DistFlags.EXIT_PAYLOAD) != 0;
        return switch (s) {
            case Signal.Send m -> m.from() != null && (flags & DistFlags.SEND_SENDER) != 0
                    ? new Wire(tuple(SEND_SENDER, m.from(), m.to()), payload(m.message()))
                    : new Wire(tuple(SEND, EMPTY, m.to()), payload(m.message()));
            case Signal.RegSend m -> new Wire(
                    tuple(REG_SEND, m.from() == null ? EMPTY : m.from(), EMPTY, m.toName()), payload(m.message()));
            case Signal.AliasSend m -> (flags & DistFlags.ALIAS) == 0 ? null
                    : new Wire(tuple(ALIAS_SEND, m.from() == null ? EMPTY : m.from(), m.alias()),
                            payload(m.message()));
            case Signal.Link l -> new Wire(tuple(LINK, l.from(), l.to()), null);
            case Signal.Unlink u -> (flags & DistFlags.UNLINK_ID) != 0
                    ? new Wire(tuple(UNLINK_ID, Term.Int.of(u.id()), u.from(), u.to()), null)
                    : new Wire(tuple(UNLINK, u.from(), u.to()), null);
            case Signal.UnlinkAck a -> (flags & DistFlags.UNLINK_ID) == 0 ? null
                    : new Wire(tuple(UNLINK_ID_ACK, Term.Int.of(a.id()), a.from(), a.to()), null);
            case Signal.Exit e -> e.viaLink()
                    ? (payloadExits ? new Wire(tuple(PAYLOAD_EXIT, e.from(), e.to()), e.reason())
                                    : new Wire(tuple(EXIT, e.from(), e.to(), e.reason()), null))
                    : (payloadExits ? new Wire(tuple(PAYLOAD_EXIT2, e.from(), e.to()), e.reason())
                                    : new Wire(tuple(EXIT2, e.from(), e.to(), e.reason()), null));
            case Signal.Monitor m -> new Wire(tuple(MONITOR_P, m.watcher(), m.target(), m.ref()), null);
            case Signal.Demonitor d -> new Wire(tuple(DEMONITOR_P, d.watcher(), d.target(), d.ref()), null);
            case Signal.MonitorDown d -> payloadExits
                    ? new Wire(tuple(PAYLOAD_MONITOR_P_EXIT, d.target(), d.watcher(), d.ref()), d.reason())
                    : new Wire(tuple(MONITOR_P_EXIT, d.target(), d.watcher(), d.ref(), d.reason()), null);
            case Signal.GroupLeader g -> new Wire(tuple(GROUP_LEADER, g.leader(), g.to()), null);
            case Signal.SpawnRequest r -> new Wire(tuple(SPAWN_REQUEST, r.reqId(), r.from(), r.groupLeader(),
                    Term.Tuple.of(r.module(), r.function(), Term.Int.of(r.arity())), r.options()), r.args());
            case Signal.SpawnReply r -> new Wire(tuple(SPAWN_REPLY, r.reqId(), r.to(),
                    Term.Int.of(r.flags()), r.result()), null);
        };
    }
}

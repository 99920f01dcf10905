package io.beambridge.internal.global;

import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.internal.runtime.Signal;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.List;

/**
 * The wire shapes of OTP's {@code global} protocol, version 8 (OTP 25 to 29 alike; see
 * {@code lib/kernel/src/global.erl}), in one place. Every message goes to the registered
 * name {@code global_name_server} of the peer, as a gen_server cast {@code {'$gen_cast', Msg}},
 * a gen_server call, or a raw tuple:
 *
 * <pre>
 *   casts  {init_connect, {8, MyTag}, Node, {locker, no_longer_a_pid, Known, LockerPid}}
 *          {lock_set, LockerPid, true | false, KnownNodes, HisTag}
 *          {exchange, Node, [{Name, Pid, Method}], NamesExt, HisTag}
 *          {resolved, Node, Ops, [{KnownNode, Vsn}], unused, NamesExt, HisTag}
 *          {new_nodes, Node, Ops, NamesExt, [{Node, Vsn}], [{vsn, V}, {lock, LockId}]}
 *          {in_sync, Node, true}
 *   calls  {set_lock, {ResourceId, RequesterId}} -&gt; true | false
 *          {del_lock, {ResourceId, RequesterId}} -&gt; true
 *          {register, Name, Pid, Method} -&gt; yes      {unregister, Name} -&gt; ok
 *          {register_ext, Name, Pid, Method, RegNode} -&gt; yes
 *   raw    {init_connect_ack, Node, HisTag, MyTag}   {cancel_connect, Node, HisTag}
 *          {lost_connection, Node, XCreation, OpId, LostNode}   {remove_connection, Node}
 *   Ops    [{insert, {Name, Pid, Method}} | {delete, Name}]
 * </pre>
 *
 * Booleans are the atoms {@code true} and {@code false}; a Method is relayed exactly as
 * it came (a local fun keeps its bytes).
 */
final class Protocol {
    /**
     * Every message of the protocol sent or received, at DEBUG (logger
     * {@code io.beambridge.internal.global.trace}): how a sync between partitions went.
     */
    static final org.slf4j.Logger TRACE = org.slf4j.LoggerFactory.getLogger("io.beambridge.internal.global.trace");

    private Protocol() {}

    /** The protocol version every OTP release from 25 to 29 speaks. */
    static final int VSN = 8;

    static final Atom GNS = new Atom("global_name_server");
    static final Atom GLOBAL = new Atom("global");

    static final Atom INIT_CONNECT = new Atom("init_connect");
    static final Atom INIT_CONNECT_ACK = new Atom("init_connect_ack");
    static final Atom CANCEL_CONNECT = new Atom("cancel_connect");
    static final Atom LOCKER = new Atom("locker");
    static final Atom NO_LONGER_A_PID = new Atom("no_longer_a_pid");
    static final Atom LOCK_SET = new Atom("lock_set");
    static final Atom LOCK_IS_SET = new Atom("lock_is_set");
    static final Atom EXCHANGE = new Atom("exchange");
    static final Atom EXCHANGE_OPS = new Atom("exchange_ops");
    static final Atom RESOLVED = new Atom("resolved");
    static final Atom RESOLVE = new Atom("resolve");
    static final Atom NEW_NODES = new Atom("new_nodes");
    static final Atom IN_SYNC = new Atom("in_sync");
    static final Atom SYNCED = new Atom("synced");
    static final Atom UNUSED = new Atom("unused");
    static final Atom LOST_CONNECTION = new Atom("lost_connection");
    static final Atom REMOVE_CONNECTION = new Atom("remove_connection");
    static final Atom EXTRA_NODEDOWN = new Atom("extra_nodedown");
    static final Atom ASYNC_DEL_NAME = new Atom("async_del_name");
    static final Atom ASYNC_DEL_LOCK = new Atom("async_del_lock");
    static final Atom WHEREIS = new Atom("whereis");

    static final Atom SET_LOCK = new Atom("set_lock");
    static final Atom DEL_LOCK = new Atom("del_lock");
    static final Atom REGISTER = new Atom("register");
    static final Atom REGISTER_EXT = new Atom("register_ext");
    static final Atom UNREGISTER = new Atom("unregister");
    static final Atom GET_KNOWN = new Atom("get_known");
    static final Atom GET_SYNCED = new Atom("get_synced");
    static final Atom SYNC = new Atom("sync");
    static final Atom GET_PROTOCOL_VERSION = new Atom("get_protocol_version");
    static final Atom GET_NAMES_EXT = new Atom("get_names_ext");

    static final Atom INSERT = new Atom("insert");
    static final Atom DELETE = new Atom("delete");
    static final Atom VSN_KEY = new Atom("vsn");
    static final Atom LOCK = new Atom("lock");
    static final Atom YES = new Atom("yes");
    static final Atom NO = new Atom("no");
    static final Atom NONE = new Atom("none");
    static final Atom BADRPC = new Atom("badrpc");
    static final Atom NODEUP = new Atom("nodeup");

    /** {@code gen_server:cast({global_name_server, Node}, Msg)} from {@code self}, never connecting. */
    static void cast(ProcessTable table, Pid from, String node, Term msg) {
        raw(table, from, node, Term.Tuple.of(GenCall.GEN_CAST, msg));
    }

    /** {@code erlang:send({global_name_server, Node}, Msg, [noconnect])}. */
    static void raw(ProcessTable table, Pid from, String node, Term msg) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("to {}: {}", node, msg);
        }
        table.sendIfConnected(new Signal.RegSend(from, GNS, node, msg));
    }

    /** A gen_server cast to this node's own name server. */
    static void castSelf(LocalProc self, Term msg) {
        self.sendRaw(GNS, self.nodeName(), Term.Tuple.of(GenCall.GEN_CAST, msg));
    }

    static Term.List atoms(List<String> nodes) {
        return Term.List.of(nodes.stream().map(n -> (Term) new Atom(n)).toList());
    }

    /** True for an integer term (a tag, a version). */
    static boolean isInt(Term t) {
        return t instanceof Term.Int || t instanceof Term.BigInt;
    }
}

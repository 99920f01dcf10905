package io.beambridge.global;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangExternalFun;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.beambridge.node.Node;
import io.beambridge.process.Proc;
import io.beambridge.rpc.BadRpcException;
import io.beambridge.rpc.Rpc;
import io.beambridge.rpc.RpcCall;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code :global} names for Java processes, and lookups of any global name.
 *
 * <p>A Java node is hidden and runs no global name server; it uses the one of a
 * connected visible BEAM node through rpc ({@code global:register_name/2,3},
 * {@code whereis_name/1}, ...). The name is then seen by every node of the visible
 * cluster, and every global name server monitors the Java process: when it ends, the
 * name goes everywhere; when the Java node goes down, all its names go.
 *
 * <p>When partitions of the cluster merge with one name registered on both sides,
 * global resolves the clash on the node of one of the two pids. For a Java pid, that
 * node is this one: {@code global:resolve_it/4} is served here, with global's own
 * resolvers ({@link Resolver#RANDOM_EXIT}, the default, kills the loser) and custom
 * ones bound to this node's rpc server.
 *
 * <p>Thread-safe. Each operation is an rpc to a visible node and blocks until it
 * answers.
 */
public final class Global implements io.beambridge.gen.ViaRegistry {
    private static final Logger log = LoggerFactory.getLogger(Global.class);
    private static final long TIMEOUT_MS = 30_000;
    private static final OtpErlangAtom CONFLICT = new OtpErlangAtom("global_name_conflict");
    private static final OtpErlangAtom MODULE = new OtpErlangAtom("global");

    /** How a name clash is resolved: global's own resolvers, or a function bound on this node. */
    public record Resolver(String module, String function) {
        /** The default: the pid on the smaller node keeps the name, the other is killed. */
        public static final Resolver RANDOM_EXIT = new Resolver("global", "random_exit_name");
        /** The loser gets {@code {global_name_conflict, Name}} and loses the name. */
        public static final Resolver RANDOM_NOTIFY = new Resolver("global", "random_notify_name");
        /** Both get {@code {global_name_conflict, Name, OtherPid}} and the name goes. */
        public static final Resolver NOTIFY_ALL = new Resolver("global", "notify_all_name");

        OtpErlangExternalFun fun() {
            return new OtpErlangExternalFun(module, function, 3);
        }
    }

    private final Node node;
    private volatile String server;

    private Global(Node node) {
        this.node = node;
        node.rpc().bind("global", "resolve_it", 4, this::resolveIt);
    }

    /** The global service of {@code node}, made on first use. */
    public static Global of(Node node) {
        return node.service(Global.class, Global::new);
    }

    /** Uses {@code visibleNode}'s global name server (connecting on first use); null: any connected visible node. */
    public Global useNode(String visibleNode) {
        this.server = visibleNode;
        return this;
    }

    /**
     * The visible node used now.
     *
     * @throws GlobalException when none is set and none is connected
     */
    public String server() {
        String s = server;
        if (s != null) {
            return s;
        }
        List<String> visible = node.visibleNodes();
        if (visible.isEmpty()) {
            throw new GlobalException(node.name() + " is connected to no visible node: :global needs one "
                    + "(connect to a BEAM node started without -hidden, or set one with useNode)");
        }
        return visible.getFirst();
    }

    private OtpErlangObject call(String function, OtpErlangObject... args) {
        String via = server();
        return node.table().asCaller(self -> {
            try {
                return Rpc.call(self, via, "global", function, List.of(args), TIMEOUT_MS);
            } catch (BadRpcException e) {
                throw new GlobalException("global:" + function + " on " + via + " failed: " + e.reason());
            }
        });
    }

    @Override
    public OtpErlangAtom module() {
        return MODULE;
    }

    /** The GenServer name {@code {:global, name}}. */
    public io.beambridge.gen.ServerRef name(Object name) {
        return io.beambridge.gen.ServerRef.global(this, name);
    }

    /**
     * Registers {@code pid} under {@code name} cluster-wide ({@code global:register_name/2}).
     *
     * @return false when the name is taken (or the pid already has a global name)
     */
    @Override
    public boolean registerName(OtpErlangObject name, OtpErlangPid pid) {
        return registerName(name, pid, Resolver.RANDOM_EXIT);
    }

    /** As {@link #registerName(OtpErlangObject, OtpErlangPid)}, with a clash resolver ({@code register_name/3}). */
    public boolean registerName(OtpErlangObject name, OtpErlangPid pid, Resolver resolver) {
        return Atoms.YES.equals(call("register_name", name, pid, resolver.fun()));
    }

    /** Removes a global name ({@code global:unregister_name/1}). */
    @Override
    public void unregisterName(OtpErlangObject name) {
        call("unregister_name", name);
    }

    /** The pid registered under {@code name} anywhere in the cluster, or null. */
    @Override
    public OtpErlangPid whereisName(OtpErlangObject name) {
        return call("whereis_name", name) instanceof OtpErlangPid p ? p : null;
    }

    /** Every global name. */
    public List<OtpErlangObject> registeredNames() {
        OtpErlangList l = Terms.asList(call("registered_names"));
        return l == null ? List.of() : List.of(l.elements());
    }

    /**
     * Sends {@code message} to the process registered under {@code name} ({@code global:send/2}).
     *
     * @throws io.beambridge.process.ExitException {@code {badarg, {Name, Msg}}} when the name is not registered
     */
    @Override
    public void send(OtpErlangObject name, OtpErlangObject message) {
        OtpErlangPid pid = whereisName(name);
        if (pid == null) {
            throw new io.beambridge.process.ExitException(Terms.tuple(Terms.atom("badarg"), Terms.tuple(name, message)));
        }
        node.table().asCaller(self -> {
            self.send(pid, message);
            return null;
        });
    }

    // ------------------------------------------------------------------ resolving clashes

    /** {@code global:resolve_it(Method, Name, Pid1, Pid2)} for a clash involving a pid of this node. */
    private OtpErlangObject resolveIt(RpcCall call) throws Exception {
        OtpErlangObject method = call.arg(0);
        OtpErlangObject name = call.arg(1);
        OtpErlangPid pid1 = (OtpErlangPid) call.arg(2);
        OtpErlangPid pid2 = (OtpErlangPid) call.arg(3);
        if (!(method instanceof OtpErlangExternalFun f) || f.arity != 3) {
            throw new IllegalArgumentException("cannot run the resolver " + method + " on a Java node");
        }
        OtpErlangPid min = pid1.node().compareTo(pid2.node()) < 0 ? pid1 : pid2;
        OtpErlangPid max = min == pid1 ? pid2 : pid1;
        Proc self = call.self();
        switch (f.module + ":" + f.function) {
            case "global:random_exit_name" -> {
                log.info("global: name conflict terminating {}", Terms.tuple(name, max));
                self.exit(max, Atoms.KILL);
                return min;
            }
            case "global:random_notify_name" -> {
                self.send(max, Terms.tuple(CONFLICT, name));
                return min;
            }
            case "global:notify_all_name" -> {
                self.send(pid1, Terms.tuple(CONFLICT, name, pid2));
                self.send(pid2, Terms.tuple(CONFLICT, name, pid1));
                return Terms.atom("none");
            }
            default -> {
                return node.rpc().apply(self, call.caller(), f.module, f.function,
                        new OtpErlangObject[] {name, pid1, pid2});
            }
        }
    }
}

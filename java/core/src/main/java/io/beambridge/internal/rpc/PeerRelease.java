package io.beambridge.internal.rpc;

import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@code sys} reply format a node speaks. Since stdlib 5.1 (OTP 26.1),
 * {@code sys:get_state/1} and {@code sys:replace_state/2} expect the reply
 * {@code {ok, State}}; before, the bare state. The request is the same
 * ({@code {system, From, get_state}}), so a Java server must know the caller's node: it
 * asks that node once, by rpc, {@code application:get_key(stdlib, vsn)} (falling back to
 * {@code erlang:system_info(otp_release)}, counting release 26 as 26.1+), and keeps the
 * answer per node name and creation. A Java node (its {@code application:get_key} is
 * {@code undef}) and this node speak the current format.
 *
 * <p>One per node ({@link ProcessTable#service}). Thread-safe; the lookups never block the
 * asking thread.
 */
public final class PeerRelease {
    private static final Logger log = LoggerFactory.getLogger(PeerRelease.class);
    private static final long RPC_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final CompletableFuture<Boolean> CURRENT = CompletableFuture.completedFuture(true);

    private record Known(int creation, CompletableFuture<Boolean> wraps) {}

    private final ProcessTable table;
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();

    private PeerRelease(ProcessTable table) {
        this.table = table;
    }

    /** The node's instance. */
    public static PeerRelease of(ProcessTable table) {
        return table.service(PeerRelease.class, PeerRelease::new);
    }

    /**
     * Whether {@code sys} callers (and servers) on {@code node} wrap the state as
     * {@code {ok, State}}. {@code creation} 0 means unknown (a name was used).
     */
    public CompletableFuture<Boolean> wrapsState(String node, int creation) {
        if (node.equals(table.nodeName())) {
            return CURRENT;
        }
        while (true) {
            Known cur = known.get(node);
            if (cur != null && (creation == 0 || cur.creation() == 0 || cur.creation() == creation)) {
                return cur.wraps();
            }
            Known mine = new Known(creation, new CompletableFuture<>());
            boolean won = cur == null ? known.putIfAbsent(node, mine) == null : known.replace(node, cur, mine);
            if (won) {
                Thread.ofVirtual().name("beambridge-release-" + node).start(() -> {
                    Boolean r = query(node);
                    if (r == null) {
                        known.remove(node, mine); // ask again next time
                    }
                    mine.wraps().complete(r == null || r);
                });
                return mine.wraps();
            }
        }
    }

    /** True: {@code {ok, State}}; false: bare state; null: could not tell. */
    private Boolean query(String node) {
        try (LocalProc tmp = table.newMailbox()) {
            Term vsn = RpcClient.call(tmp, node, new Atom("application"), new Atom("get_key"),
                    List.of(new Atom("stdlib"), new Atom("vsn")), RPC_TIMEOUT_NANOS);
            if (vsn instanceof Term.Tuple t && t.isTagged(Atom.OK, 2)) {
                String v = charlist(t.get(1));
                String[] parts = v.split("\\.");
                int major = Integer.parseInt(parts[0]);
                int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
                log.debug("node {} runs stdlib {}", node, v);
                return major > 5 || (major == 5 && minor >= 1);
            }
            String release = charlist(RpcClient.call(tmp, node, new Atom("erlang"), new Atom("system_info"),
                    List.of(new Atom("otp_release")), RPC_TIMEOUT_NANOS));
            log.debug("node {} runs OTP {}", node, release);
            return Integer.parseInt(release.trim()) >= 26;
        } catch (RpcClient.BadRpc e) {
            if (isUndef(e.reason())) {
                return true; // no OTP applications: a Java node; it speaks the current format
            }
            log.warn("cannot tell the OTP release of {}: {}", node, e.reason());
            return null;
        } catch (RuntimeException e) {
            log.warn("cannot tell the OTP release of {}: {}", node, e.toString());
            return null;
        }
    }

    private static String charlist(Term t) {
        if (!(t instanceof Term.List l)) {
            throw new IllegalArgumentException("not a charlist: " + t);
        }
        return l.charlistText();
    }

    /** {@code {'EXIT', {undef, _}}}: the function does not exist there. */
    private static boolean isUndef(Term reason) {
        return reason instanceof Term.Tuple t && t.isTagged(Atom.EXIT, 2)
                && t.get(1) instanceof Term.Tuple u && u.isTagged("undef", 2);
    }
}

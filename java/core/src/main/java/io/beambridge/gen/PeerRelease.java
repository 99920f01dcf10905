package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.process.ProcessTable;
import io.beambridge.rpc.BadRpcException;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Match;
import io.beambridge.term.Terms;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@code sys} reply format a node speaks. Since stdlib 5.1 (OTP 26.1),
 * {@code sys:get_state/1} and {@code sys:replace_state/2} expect the reply
 * {@code {ok, State}}; before, the bare state. The request is the same
 * ({@code {system, From, get_state}}), so a Java server must know the caller's node:
 * it asks that node once, by rpc through its {@code rex} server,
 * {@code application:get_key(stdlib, vsn)} (falling back to
 * {@code erlang:system_info(otp_release)}, counting release 26 as 26.1+), and caches
 * the answer per node name and creation. A node without {@code rex} (a Java node) and
 * this node speak the current format.
 *
 * <p>Thread-safe; the lookups never block the asking thread.
 */
final class PeerRelease {
    private PeerRelease() {}

    private static final Logger log = LoggerFactory.getLogger(PeerRelease.class);
    static final long RPC_TIMEOUT_MS = 5000;
    private static final CompletableFuture<Boolean> CURRENT = CompletableFuture.completedFuture(true);

    private record Known(int creation, CompletableFuture<Boolean> wraps) {}

    private static final ConcurrentHashMap<String, Known> KNOWN = new ConcurrentHashMap<>();

    /**
     * Whether {@code sys} callers (and servers) on {@code node} wrap the state as
     * {@code {ok, State}}. {@code creation} 0 means unknown (a name was used).
     */
    static CompletableFuture<Boolean> wrapsState(ProcessTable table, String node, int creation) {
        if (node.equals(table.nodeName())) {
            return CURRENT;
        }
        while (true) {
            Known cur = KNOWN.get(node);
            if (cur != null && (creation == 0 || cur.creation() == 0 || cur.creation() == creation)) {
                return cur.wraps();
            }
            Known mine = new Known(creation, new CompletableFuture<>());
            boolean won = cur == null ? KNOWN.putIfAbsent(node, mine) == null : KNOWN.replace(node, cur, mine);
            if (won) {
                Thread.ofVirtual().name("beambridge-release-" + node).start(() -> {
                    Boolean r = query(table, node);
                    if (r == null) {
                        KNOWN.remove(node, mine); // ask again next time
                    }
                    mine.wraps().complete(r == null || r);
                });
                return mine.wraps();
            }
        }
    }

    /** True: {@code {ok, State}}; false: bare state; null: could not tell. */
    private static Boolean query(ProcessTable table, String node) {
        try (Proc tmp = table.newMailbox()) {
            OtpErlangObject vsn = Rpc.call(tmp, node, "application", "get_key",
                    List.of(Terms.atom("stdlib"), Terms.atom("vsn")), RPC_TIMEOUT_MS);
            if (vsn instanceof OtpErlangTuple t && t.arity() == 2 && Atoms.OK.equals(t.elementAt(0))) {
                String v = Match.charlist(t.elementAt(1));
                String[] parts = v.split("\\.");
                int major = Integer.parseInt(parts[0]);
                int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
                log.debug("node {} runs stdlib {}", node, v);
                return major > 5 || (major == 5 && minor >= 1);
            }
            String release = Match.charlist(Rpc.call(tmp, node, "erlang", "system_info",
                    List.of(Terms.atom("otp_release")), RPC_TIMEOUT_MS));
            log.debug("node {} runs OTP {}", node, release);
            return Integer.parseInt(release.trim()) >= 26;
        } catch (BadRpcException e) {
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

    /** {@code {'EXIT', {undef, _}}}: the function does not exist there. */
    private static boolean isUndef(OtpErlangObject reason) {
        return reason instanceof OtpErlangTuple t && t.arity() == 2 && Atoms.EXIT.equals(t.elementAt(0))
                && t.elementAt(1) instanceof OtpErlangTuple u && u.arity() == 2
                && Terms.atom("undef").equals(u.elementAt(0));
    }
}

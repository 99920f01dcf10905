package io.beambridge.internal.rpc;

import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.util.List;

/**
 * Calls functions on other nodes as {@code rpc:call/5} does: through the target's
 * {@code rex} server, with the target's own {@code user} as group leader (output goes to
 * the target's console). Works with BEAM nodes and Java nodes alike.
 */
public final class RpcClient {
    private RpcClient() {}

    private static final Atom REX = new Atom("rex");
    private static final Atom CALL = new Atom("call");
    private static final Atom CAST = new Atom("cast");
    private static final Atom USER = new Atom("user");
    private static final Atom BADRPC = new Atom("badrpc");

    /** {@code {badrpc, Reason}}: {@code nodedown}, {@code timeout}, or {@code {'EXIT', Why}} when the function failed. */
    public static final class BadRpc extends Exception {
        private final transient Term reason;

        public BadRpc(Term reason) {
            super("badrpc: " + reason, null, false, false);
            this.reason = reason;
        }

        public Term reason() {
            return reason;
        }
    }

    /**
     * Calls {@code module:function(args...)} on {@code node} from process {@code self},
     * waiting up to {@code timeoutNanos} (negative: forever).
     */
    public static Term call(LocalProc self, String node, Atom module, Atom function, List<Term> args,
                            long timeoutNanos) throws BadRpc {
        Term.Tuple request = Term.Tuple.of(CALL, module, function, Term.List.of(args), USER);
        Term result;
        try {
            result = GenCall.call(self, REX, node, GenCall.GEN_CALL, request, timeoutNanos);
        } catch (ExitException e) {
            if (Atom.TIMEOUT.equals(e.reason())) {
                throw new BadRpc(Atom.TIMEOUT);
            }
            if (!self.isAlive()) {
                throw e;
            }
            throw new BadRpc(GenCall.NODEDOWN);
        }
        if (result instanceof Term.Tuple t && t.isTagged(BADRPC, 2)) {
            throw new BadRpc(t.get(1));
        }
        return result;
    }

    /** Runs {@code module:function(args...)} on {@code node} without waiting ({@code rpc:cast/4}). */
    public static void cast(LocalProc self, String node, Atom module, Atom function, List<Term> args) {
        self.sendRaw(REX, node, Term.Tuple.of(GenCall.GEN_CAST,
                Term.Tuple.of(CAST, module, function, Term.List.of(args), USER)));
    }
}

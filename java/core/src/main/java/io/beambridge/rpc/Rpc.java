package io.beambridge.rpc;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import java.util.List;

/**
 * Calls functions on other nodes, as {@code rpc:call/5} does: through the target's
 * {@code rex} server, with the target's own {@code user} as group leader (output goes
 * to the target's console). Works with BEAM nodes and Java nodes alike.
 */
public final class Rpc {
    private Rpc() {}

    private static final OtpErlangAtom CALL = new OtpErlangAtom("call");
    private static final OtpErlangAtom CAST = new OtpErlangAtom("cast");
    private static final OtpErlangAtom USER = new OtpErlangAtom("user");
    private static final OtpErlangAtom BADRPC = new OtpErlangAtom("badrpc");

    /**
     * Calls {@code module:function(args...)} on {@code node} from process {@code self},
     * waiting up to {@code timeoutMillis} (negative: forever).
     *
     * @return what the function returned
     * @throws BadRpcException with {@code nodedown}, {@code timeout}, or
     *     {@code {'EXIT', Why}} when the function failed
     */
    public static OtpErlangObject call(Proc self, String node, String module, String function,
                                       List<? extends OtpErlangObject> args, long timeoutMillis)
            throws BadRpcException {
        OtpErlangTuple request = new OtpErlangTuple(new OtpErlangObject[] {
                CALL, new OtpErlangAtom(module), new OtpErlangAtom(function),
                new OtpErlangList(args.toArray(new OtpErlangObject[0])), USER});
        OtpErlangObject result;
        try {
            result = Gen.call(self, "rex", node, request, timeoutMillis);
        } catch (ExitException e) {
            if (Atoms.TIMEOUT.equals(e.reason())) {
                throw new BadRpcException(Atoms.TIMEOUT);
            }
            if (!self.isAlive()) {
                throw e;
            }
            throw new BadRpcException(Atoms.NODEDOWN);
        }
        if (result instanceof OtpErlangTuple t && t.arity() == 2 && BADRPC.equals(t.elementAt(0))) {
            throw new BadRpcException(t.elementAt(1));
        }
        return result;
    }

    /** Runs {@code module:function(args...)} on {@code node} without waiting ({@code rpc:cast/4}). */
    public static void cast(Proc self, String node, String module, String function,
                            List<? extends OtpErlangObject> args) {
        self.send("rex", node, new OtpErlangTuple(new OtpErlangObject[] {Gen.GEN_CAST,
                new OtpErlangTuple(new OtpErlangObject[] {CAST, new OtpErlangAtom(module),
                        new OtpErlangAtom(function), new OtpErlangList(args.toArray(new OtpErlangObject[0])), USER})}));
    }
}

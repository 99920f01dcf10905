package io.beambridge.rpc;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.beambridge.process.Proc;
import java.util.List;

/**
 * One call of an {@link RpcFunction}.
 *
 * @param self     the process the call runs in
 * @param caller   the process on the calling node that asked (the erpc caller, the
 *                 rex client, or the spawner); a server started "linked to the
 *                 caller" links to it
 * @param module   the Erlang module name, e.g. {@code Elixir.MyApp.HelloServer}
 * @param function the function name
 * @param args     the arguments
 */
public record RpcCall(Proc self, OtpErlangPid caller, String module, String function,
                      List<OtpErlangObject> args) {

    /** Argument {@code i} (0-based). */
    public OtpErlangObject arg(int i) {
        return args.get(i);
    }
}

package io.beambridge.rpc;

import com.ericsson.otp.erlang.OtpErlangObject;

/**
 * Java code bound to an Erlang {@code Module:Function/Arity}, run when another node
 * calls it with {@code :rpc.call}, {@code :erpc.call}, {@code :rpc.cast} or spawns it.
 * It runs in a Java process of its own ({@link io.beambridge.process.Proc#current()}).
 * An {@link io.beambridge.process.ExitException} it throws is an exit; any other
 * exception is an error, reported to the caller as BEAM reports one.
 */
@FunctionalInterface
public interface RpcFunction {
    OtpErlangObject apply(RpcCall call) throws Exception;
}

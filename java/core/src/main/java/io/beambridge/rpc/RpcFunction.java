package io.beambridge.rpc;

/**
 * Java code bound to an Erlang {@code module:function/arity} ({@link Rpc#bind}), run when
 * another node calls it with {@code :rpc.call}, {@code :erpc.call}, {@code :rpc.cast} or
 * spawns it. It runs in a Java process of its own ({@link RpcCall#self()}) and returns a
 * term or any Java value {@link io.beambridge.term.Term#of} converts. An
 * {@link io.beambridge.node.ExitException} it throws is an exit; any other exception an
 * error the caller can rescue ({@code IllegalArgumentException} as {@code ArgumentError},
 * others as {@code RuntimeError} with the Java class in the message), with the Java
 * frames as the stack trace.
 */
@FunctionalInterface
public interface RpcFunction {
    Object apply(RpcCall call) throws Exception;
}
